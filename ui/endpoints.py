"""The sidebar's Endpoints panel: remote servers and keys, kept only in this browser session."""

from __future__ import annotations

import streamlit as st

from hfcompare.backends import BackendError, RemoteSettings, get_backend, settings_from_environment
from ui import keys
from ui.text import literal

ENDPOINTS_INTRO = (
    "Compare models served elsewhere: add them in the model picker as `openai:<model>` or `hf:<model-id>`. "
    "Keys stay in this browser session only; they are never saved, cached, logged or put in links."
)
KEY_SCOPE = (
    "A key this app's operator configured goes only to the server it was configured for. A URL you type "
    "here gets only the key you type beside it."
)
KEY_WITHHELD = "The configured key is not sent to {url}: it belongs to another server. Type a key for this one."
PUBLIC_ENDPOINTS = (
    "This app runs in public mode: it contacts only the servers its operator set up{allowed}. A URL you type "
    "here must be one of those; to use any other server, run hfcompare on your own computer."
)
SECRET_HELP = "Kept only in this browser session. Never written to disk, cache keys, logs, exports or links."
OPENAI_URL_HELP = (
    "The /v1 address of vLLM, TGI, llama.cpp server, Ollama (http://localhost:11434/v1) or LM Studio. "
    "Also read from HFCOMPARE_OPENAI_BASE_URL or the config file."
)
PROVIDER_HELP = "Inference Providers route: `auto` picks the first provider serving the model."
HF_URL_HELP = "A dedicated TEI or TGI server, or an Inference Endpoint URL. When set, the provider is not used."
BATCH_HELP = "Texts per embeddings request."
CONCURRENCY_HELP = "Requests in flight at once, per model."
TIMEOUT_HELP = f"Seconds before one request is abandoned (then retried, up to {RemoteSettings.max_retries} times)."

LIMITS = {"batch_size": "batch", "concurrency": "parallel", "timeout_s": "timeout"}  # setting -> widget key suffix


def _secret_input(label: str, key: str, env_note: str) -> str | None:
    value = st.text_input(label, type="password", key=key, help=SECRET_HELP, placeholder=env_note)
    return value.strip() or None


def _test_connection(backend: str, settings: RemoteSettings) -> None:
    try:  # one attempt: a connection test should answer quickly
        models = get_backend(backend, settings.with_overrides(max_retries=0)).list_models()
    except BackendError as exc:
        st.error(f"Connection failed ({exc.kind}): {literal(exc)}")
        return
    except Exception as exc:  # noqa: BLE001 - a test button must never show a traceback
        st.error(f"Connection failed: {type(exc).__name__}")
        return
    st.session_state[keys.ENDPOINT_MODELS[backend]] = models
    shown = ", ".join(models[:20]) + (" …" if len(models) > 20 else "")
    st.success(f"Connected: {len(models)} model(s): {literal(shown) if shown else 'none listed'}")


def _scope_notes(settings: RemoteSettings) -> bool:
    """Say when a URL cannot be used, (public mode) is refused, or the configured key is held back from it.
    Whether the URL may be tried."""
    from hfcompare.backends.remote.common import public_url_refusal, url_problem

    invalid = next((problem for problem in map(url_problem, settings.urls()) if problem), None)
    refused = public_url_refusal(settings.base_url)
    if invalid:
        st.warning(f"This URL cannot be used: {literal(invalid)}.", icon="⚠️")
    elif refused:
        st.warning(literal(refused), icon="🔒")
    elif settings.key_withheld():
        st.caption(KEY_WITHHELD.format(url=literal(settings.public_url())))
    return not (invalid or refused)


def _public_note() -> None:
    from hfcompare.config import allowed_hosts, public_mode

    if public_mode():
        hosts = sorted(allowed_hosts())
        allowed = f" and servers on these hosts: {literal(', '.join(hosts))}" if hosts else ""
        st.info(PUBLIC_ENDPOINTS.format(allowed=allowed), icon="🔒")


def _configured(settings: RemoteSettings, example: str) -> str:
    """A URL field's placeholder: the configured server's address without its credentials (the field
    itself stays empty, so they never reach the page; empty means that server), else an example."""
    from hfcompare.backends.remote.common import public_url

    urls = [public_url(url) for url in settings.urls()]
    return f"configured: {', '.join(urls)}" if urls else example


def _common_limits(prefix: str, base: RemoteSettings) -> dict:
    left, right = st.columns(2)
    return {
        "batch_size": int(left.number_input("Batch size", 1, 2048, base.batch_size, key=keys.scoped(prefix, "batch"),
                                            help=BATCH_HELP)),
        "concurrency": int(right.number_input("In flight", 1, 64, base.concurrency, key=keys.scoped(prefix, "parallel"),
                                              help=CONCURRENCY_HELP)),
        "timeout_s": float(st.number_input("Timeout (seconds)", 1.0, 600.0, float(base.timeout_s),
                                           key=keys.scoped(prefix, "timeout"), help=TIMEOUT_HELP)),
    }


def _typed(key: str) -> str | None:
    value = st.session_state.get(key)
    return value.strip() or None if isinstance(value, str) else None


def _limits(prefix: str) -> dict:
    return {name: st.session_state.get(keys.scoped(prefix, suffix)) for name, suffix in LIMITS.items()}


def endpoint_settings() -> dict[str, RemoteSettings]:
    """This session's settings per remote backend: the environment's and the config file's, with what
    the user typed in the Endpoints panel. Read from the session, not drawn, so a page can run (and
    paint) before the panel is drawn after it."""
    openai_base, hf_base = settings_from_environment("openai"), settings_from_environment("hf")
    openai = openai_base.with_overrides(base_url=_typed(keys.OPENAI_URL), api_key=_typed(keys.OPENAI_KEY),
                                        **_limits("endpoints_openai"))
    provider = st.session_state.get(keys.HF_PROVIDER) or _known_provider(hf_base.provider)
    hf = hf_base.with_overrides(provider=provider, base_url=_typed(keys.HF_URL), api_key=_typed(keys.HF_TOKEN),
                                **_limits("endpoints_hf"))
    return {"openai": openai, "hf": hf}


def _known_provider(provider: str | None) -> str:
    """`provider` when this huggingface_hub knows it, else "auto" (the list is read only when one is set:
    it imports the inference client, too slow for a first paint)."""
    if not provider or provider == "auto":
        return "auto"
    from hfcompare.backends.remote.hf_inference import provider_names

    return provider if provider in provider_names() else "auto"


def render_endpoints() -> None:
    """Draw the panel (after the page: the page reads its values through `endpoint_settings`)."""
    from hfcompare.backends.remote.hf_inference import provider_names

    openai_base = settings_from_environment("openai")
    hf_base = settings_from_environment("hf")
    with st.sidebar.expander("Endpoints", icon="🔌"):
        st.caption(ENDPOINTS_INTRO + " " + KEY_SCOPE)
        _public_note()
        st.markdown("**OpenAI-compatible server**")
        url = st.text_input("Base URL", key=keys.OPENAI_URL, help=OPENAI_URL_HELP,
                            placeholder=_configured(openai_base, "http://localhost:8000/v1"))
        key = _secret_input("API key", keys.OPENAI_KEY, "set in the environment"
                            if openai_base.key_for(url.strip() or openai_base.base_url) else "optional")
        limits = _common_limits("endpoints_openai", openai_base)
        openai_settings = openai_base.with_overrides(base_url=url.strip() or None, api_key=key, **limits)
        usable = _scope_notes(openai_settings)
        if st.button("Test connection", key="endpoints_openai_test", width="stretch", disabled=not usable):
            _test_connection("openai", openai_settings)

        st.markdown("**Hugging Face**")
        token = _secret_input("HF token", keys.HF_TOKEN, "HF_TOKEN is set in the environment"
                              if hf_base.key_for(_typed(keys.HF_URL) or hf_base.base_url) else "hf_…")
        providers = provider_names()
        current = _known_provider(hf_base.provider)
        provider = st.selectbox("Provider", providers, index=providers.index(current), key=keys.HF_PROVIDER,
                                help=PROVIDER_HELP)
        hf_url = st.text_input("TEI / TGI / Endpoint URL", key=keys.HF_URL, help=HF_URL_HELP,
                               placeholder=_configured(hf_base, "optional: http://localhost:8080"))
        hf_limits = _common_limits("endpoints_hf", hf_base)
        hf_settings = hf_base.with_overrides(provider=provider, base_url=hf_url.strip() or None, api_key=token,
                                             **hf_limits)
        usable = _scope_notes(hf_settings)
        if st.button("Test connection", key="endpoints_hf_test", width="stretch", disabled=not usable):
            _test_connection("hf", hf_settings)
