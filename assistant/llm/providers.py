"""Chat-model providers. One code path: every model is ChatOpenAI against an OpenAI-compatible endpoint."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from pydantic import SecretStr

from assistant.errors import ConfigError

OPENAI_DEFAULT_MODEL = "gpt-4o-mini"
# Dollars per 1M tokens (input, output), for cost estimates before paid runs.
OPENAI_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
}


@dataclass(frozen=True)
class ModelHandle:
    """A chat model plus what the pipeline needs to know about it."""

    provider: str
    model: str
    base_url: str | None
    capable: bool  # strong enough for judgement calls (LLM stage classification, judging)
    price_in_per_m: float = 0.0
    price_out_per_m: float = 0.0
    concurrency: int = 1  # independent calls worth running at once
    grammar_limits: bool = True  # server enforces maxLength/pattern in its grammar (llama.cpp does)
    chat: Any = field(default=None, compare=False, repr=False)  # a LangChain BaseChatModel
    # What answers depend on besides the model name, for caching them: the endpoint, or for the
    # local server (a new port each run) the GGUF file it serves.
    identity: str | None = None

    def answer_source(self) -> str | None:
        return self.identity or self.base_url

    def describe(self) -> dict[str, Any]:
        """JSON-safe description for run logs (never contains a key)."""
        return {"provider": self.provider, "model": self.model, "base_url": self.base_url}


def _chat_openai(settings: Any, model: str, base_url: str | None, api_key: SecretStr) -> Any:
    from langchain_openai import ChatOpenAI

    from assistant.llm.tokens import prime_tiktoken_cache, tiktoken_model_for

    prime_tiktoken_cache()
    return ChatOpenAI(
        model=model,
        base_url=base_url,
        api_key=api_key,
        temperature=settings.llm_temperature,
        max_tokens=settings.llm_max_tokens,
        timeout=settings.llm_timeout,
        max_retries=0,  # retries happen in structured.py, bounded and logged
        tiktoken_model_name=tiktoken_model_for(model),
    )


def _capable(settings: Any, default: bool) -> bool:
    """settings.llm_capable when set, else the provider's default."""
    chosen = getattr(settings, "llm_capable", None)
    return default if chosen is None else bool(chosen)


def _local(settings: Any) -> ModelHandle:
    from assistant.llm import local_server

    base_url = local_server.ensure_server(settings) + "/v1"
    gguf = local_server.config_from_settings(settings).gguf
    model = settings.llm_model or gguf.stem
    chat = _chat_openai(settings, model, base_url, SecretStr("local"))
    return ModelHandle("local", model, base_url, capable=_capable(settings, False), concurrency=settings.llm_parallel, chat=chat,
                       identity=f"gguf:{gguf}:{gguf.stat().st_size}")


def _openai(settings: Any) -> ModelHandle:
    if settings.openai_api_key is None:
        raise ConfigError("provider 'openai' needs a key: set OPENAI_API_KEY in the environment")
    model = settings.llm_model or OPENAI_DEFAULT_MODEL
    price_in, price_out = OPENAI_PRICES.get(model, (0.0, 0.0))
    chat = _chat_openai(settings, model, settings.llm_base_url, settings.openai_api_key)
    return ModelHandle("openai", model, settings.llm_base_url, capable=_capable(settings, True), price_in_per_m=price_in,
                       price_out_per_m=price_out, concurrency=settings.llm_concurrency, grammar_limits=False, chat=chat)


def _openai_compatible(settings: Any) -> ModelHandle:
    if not settings.llm_base_url:
        raise ConfigError("provider 'openai-compatible' needs a base URL: set JOURNEY_LLM_BASE_URL (e.g. http://127.0.0.1:11434/v1)")
    if not settings.llm_model:
        raise ConfigError("provider 'openai-compatible' needs a model name: set JOURNEY_LLM_MODEL")
    key = settings.llm_api_key or SecretStr("not-needed")  # most local servers ignore the key
    chat = _chat_openai(settings, settings.llm_model, settings.llm_base_url, key)
    return ModelHandle("openai-compatible", settings.llm_model, settings.llm_base_url, capable=_capable(settings, False),
                       concurrency=settings.llm_concurrency, chat=chat)


PROVIDERS: dict[str, Callable[[Any], ModelHandle]] = {
    "local": _local,
    "openai": _openai,
    "openai-compatible": _openai_compatible,
}


def model_handle(settings: Any) -> ModelHandle:
    """The configured chat model and its capabilities; unknown providers list the valid names."""
    factory = PROVIDERS.get(settings.provider or "local")
    if factory is None:
        raise ConfigError(f"unknown provider '{settings.provider}'; choose one of: {', '.join(PROVIDERS)}")
    return factory(settings)


def chat_model(settings: Any):
    """The configured LangChain ChatOpenAI (the local provider starts its server on first use)."""
    return model_handle(settings).chat


def check_provider_config(settings: Any) -> str:
    """Validate provider settings without starting or calling anything; returns a one-line summary."""
    name = settings.provider or "local"
    if name not in PROVIDERS:
        raise ConfigError(f"unknown provider '{name}'; choose one of: {', '.join(PROVIDERS)}")
    if name == "openai" and settings.openai_api_key is None:
        raise ConfigError("provider 'openai' needs a key: set OPENAI_API_KEY in the environment")
    if name == "openai-compatible" and not (settings.llm_base_url and settings.llm_model):
        raise ConfigError("provider 'openai-compatible' needs JOURNEY_LLM_BASE_URL and JOURNEY_LLM_MODEL")
    model = settings.llm_model or {"local": "default GGUF", "openai": OPENAI_DEFAULT_MODEL}.get(name, "")
    return f"{name}: {model}" + (f" at {settings.llm_base_url}" if settings.llm_base_url else "")
