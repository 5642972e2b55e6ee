"""Backends that call a server: any OpenAI-compatible endpoint (TEI, vLLM, llama.cpp server, Ollama)
and Hugging Face Inference Providers. `common` holds what they share: endpoint settings, secret
redaction, error classes and retries."""
