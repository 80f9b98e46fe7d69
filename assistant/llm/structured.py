"""One validate-and-re-ask loop for every chain.

run_chain renders a prompt, asks for JSON that follows the output model's schema (grammar
constrained on llama.cpp, strict on OpenAI), validates it with the corpus as context and,
on failure, appends the errors to the conversation and asks again (bounded). Transport
errors are retried with backoff. Every attempt leaves a record in the run log.
"""

from __future__ import annotations

import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Callable, Mapping, Sequence, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import LLMCallError, StructuredOutputError
from assistant.grounding import locate_quote
from assistant.llm.prompts import Source, load_prompt
from assistant.llm.providers import ModelHandle, model_handle
from assistant.llm.schema import grammar_schema, response_format
from assistant.llm.tokens import Usage, usage_from_message
from assistant.models import Evidence

T = TypeVar("T", bound=BaseModel)
REASK_TEMPERATURE = 0.5
_KEY_LIKE = re.compile(r"\b(sk-[A-Za-z0-9_\-]{6,})")


class AttemptRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")
    attempt: int
    raw: str | None
    errors: list[str]
    input_tokens: int
    output_tokens: int
    latency_s: float


class CallRecord(BaseModel):
    """What one chain call did: prompt, model, attempts, usage, and the verified evidence it cited."""

    model_config = ConfigDict(extra="forbid")
    chain: str
    prompt_version: int
    provider: str
    model: str
    unit_ids: list[str] = Field(description="Unit ids offered to the model.")
    attempts: list[AttemptRecord] = Field(default_factory=list)
    ok: bool = False
    usage: dict[str, int] = Field(default_factory=dict)
    latency_s: float = 0.0
    evidence: dict[str, Evidence] = Field(default_factory=dict, description="Path in the output (e.g. 'goals[0].source') -> verified evidence.")


@dataclass(frozen=True)
class RetryPolicy:
    """Transport retries: attempts in all, jittered exponential backoff starting at backoff_s.

    A 429/503 that carries Retry-After (or OpenAI's retry-after-ms) waits what the server asks,
    capped at max_retry_after_s so one answer cannot stall a run.
    """

    attempts: int = 3
    backoff_s: float = 1.0
    max_backoff_s: float = 16.0
    max_retry_after_s: float = 30.0


def retry_after_s(exc: BaseException) -> float | None:
    """Seconds the server asked us to wait (retry-after-ms, Retry-After seconds or HTTP date), or None."""
    headers = getattr(getattr(exc, "response", None), "headers", None)
    if not headers:
        return None
    try:
        if headers.get("retry-after-ms"):
            return max(0.0, float(headers["retry-after-ms"]) / 1000)
    except ValueError:
        pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _backoff(retry: RetryPolicy) -> Callable[[Any], float]:
    """tenacity wait: the server's Retry-After (bounded) when given, else jittered exponential backoff.

    The jitter keeps concurrent calls that were refused together from retrying together.
    """
    from tenacity import wait_exponential_jitter

    exponential = wait_exponential_jitter(initial=retry.backoff_s, max=retry.max_backoff_s, jitter=retry.backoff_s)

    def wait(state: Any) -> float:
        hinted = retry_after_s(state.outcome.exception())
        return min(hinted, retry.max_retry_after_s) if hinted is not None else exponential(state)

    return wait


def _retryable(exc: BaseException) -> bool:
    import httpx
    import openai

    if isinstance(exc, (openai.APIConnectionError, openai.RateLimitError, openai.InternalServerError)):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code == 429 or exc.status_code >= 500
    return isinstance(exc, (httpx.TransportError, ConnectionError, TimeoutError))


def _is_api_error(exc: BaseException) -> bool:
    import openai

    return isinstance(exc, openai.APIError)


def scrub(text: str, handle: ModelHandle) -> str:
    """`text` with the provider key (and anything shaped like an OpenAI key) masked."""
    secret = getattr(handle.chat, "openai_api_key", None)
    key = secret.get_secret_value() if hasattr(secret, "get_secret_value") else None
    if key and len(key) >= 4 and key in text:
        text = text.replace(key, "***")
    return _KEY_LIKE.sub("sk-***", text)


def _call(bound: Any, messages: list[dict[str, str]]) -> Any:
    """bound.invoke, turning the OpenAI client's 'hit the token limit' exception back into a (truncated) answer."""
    import openai
    from langchain_core.messages import AIMessage

    try:
        return bound.invoke(messages)
    except openai.LengthFinishReasonError as exc:  # raised by the structured-output parse path
        completion = exc.completion
        content = (completion.choices[0].message.content or "") if completion.choices else ""
        usage = completion.usage
        meta = {"input_tokens": usage.prompt_tokens, "output_tokens": usage.completion_tokens,
                "total_tokens": usage.total_tokens} if usage else None
        return AIMessage(content=content, usage_metadata=meta, response_metadata={"finish_reason": "length"})


def _invoke(bound: Any, messages: list[dict[str, str]], handle: ModelHandle, retry: RetryPolicy, log: Callable[..., None]) -> Any:
    """One model call with bounded transport retries; LLMCallError when they run out."""
    from tenacity import RetryError, Retrying, retry_if_exception, stop_after_attempt

    def before_sleep(state: Any) -> None:
        exc = state.outcome.exception()
        log("llm_transport_error", attempt=state.attempt_number, error=scrub(f"{type(exc).__name__}: {exc}", handle),
            wait_s=round(state.upcoming_sleep, 3))

    retrying = Retrying(
        retry=retry_if_exception(_retryable),
        stop=stop_after_attempt(retry.attempts),
        wait=_backoff(retry),
        before_sleep=before_sleep,
        reraise=False,
    )
    where = handle.base_url or handle.provider
    try:
        return retrying(_call, bound, messages)
    except RetryError as exc:
        cause = exc.last_attempt.exception()
        fix = ("the provider is rate limiting: lower JOURNEY_LLM_CONCURRENCY (or JOURNEY_LLM_PARALLEL for the local server) "
               "or raise the account's rate limit" if getattr(cause, "status_code", None) == 429
               else "check the server is running and reachable (`journey doctor`)")
        raise LLMCallError(scrub(f"{handle.provider} model '{handle.model}' at {where} failed after {retry.attempts} attempts: "
                                 f"{type(cause).__name__}: {cause}; {fix}", handle)) from None
    except Exception as exc:
        log("llm_transport_error", attempt=1, error=scrub(f"{type(exc).__name__}: {exc}", handle))
        if _is_api_error(exc):
            raise LLMCallError(scrub(f"{handle.provider} model '{handle.model}' at {where} refused the call: {type(exc).__name__}: {exc}; "
                                     "check the key, the model name and the base URL (`journey doctor`)", handle)) from None
        if isinstance(exc, (ValueError, UnicodeDecodeError)):  # a 200 whose body is not a chat completion
            raise LLMCallError(scrub(f"{handle.provider} model '{handle.model}' at {where} returned an unreadable response: "
                                     f"{type(exc).__name__}: {exc}; check that the URL points at an OpenAI-compatible server", handle)) from None
        raise


def _citations(node: Any, path: str) -> list[tuple[str, int]]:
    """(path, number) for each citation-number field found in the output."""
    found: list[tuple[str, int]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            sub = f"{path}.{key}" if path else key
            if key == "source" and isinstance(value, int):
                found.append((sub, value))
            elif key in ("sources", "citations") and isinstance(value, list):
                found += [(f"{sub}[{i}]", v) for i, v in enumerate(value) if isinstance(v, int)]
            else:
                found += _citations(value, sub)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            found += _citations(item, f"{path}[{i}]")
    return found


def _quoted(node: Any, path: str) -> list[tuple[str, str, str]]:
    """(path, unit_id, quote) for each free-typed {unit_id, quote} object in the output."""
    found: list[tuple[str, str, str]] = []
    if isinstance(node, dict):
        if isinstance(node.get("unit_id"), str) and isinstance(node.get("quote"), str):
            found.append((path, node["unit_id"], node["quote"]))
        for key, value in node.items():
            found += _quoted(value, f"{path}.{key}" if path else key)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            found += _quoted(item, f"{path}[{i}]")
    return found


def _verify(unit_id: str, quote: str, allowed: set[str], units: Mapping[str, Any] | None) -> tuple[Evidence | None, str | None]:
    if unit_id not in allowed:
        return None, f"unit id '{unit_id}' was not offered; cite only the given ids"
    if units is None or unit_id not in units:
        return None, f"unit '{unit_id}' is not in the corpus given to the chain"
    span = locate_quote(units[unit_id].text, quote)
    if span is None:
        return None, f"quote {quote[:80]!r} is not verbatim in unit '{unit_id}'; copy the words exactly"
    text = units[unit_id].text
    return Evidence(unit_id=unit_id, quote=text[span[0]:span[1]], start=span[0], end=span[1]), None


def validate_output(
    raw: str | None,
    output_model: type[T],
    *,
    sources: Sequence[Source] | None,
    allowed_unit_ids: set[str],
    units: Mapping[str, Any] | None,
) -> tuple[T | None, dict[str, Evidence], list[str]]:
    """(parsed, evidence by path, errors): schema first, then every citation against the corpus."""
    if not raw or not raw.strip():
        return None, {}, ["the answer was empty; reply with one JSON object"]
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        return None, {}, [f"the answer is not valid JSON ({exc.msg} at char {exc.pos}); reply with one JSON object only"]
    try:
        parsed = output_model.model_validate(data)
    except ValidationError as exc:
        errors = [f"{'.'.join(map(str, e['loc'])) or 'answer'}: {e['msg']}" for e in exc.errors(include_url=False)]
        return None, {}, errors
    evidence: dict[str, Evidence] = {}
    errors: list[str] = []
    dumped = parsed.model_dump(mode="json")
    for path, number in _citations(dumped, ""):
        if not sources or not 1 <= number <= len(sources):
            errors.append(f"{path}: there is no quote number {number}; use a number from 1 to {len(sources or [])}")
            continue
        src = sources[number - 1]
        found, problem = _verify(src.unit_id, src.quote, allowed_unit_ids, units)
        if problem:
            errors.append(f"{path}: {problem}")
        else:
            evidence[path] = found
    for path, unit_id, quote in _quoted(dumped, ""):
        found, problem = _verify(unit_id, quote, allowed_unit_ids, units)
        if problem:
            errors.append(f"{path}: {problem}")
        else:
            evidence[path] = found
    return (None if errors else parsed), evidence, errors


def _reask(errors: list[str]) -> str:
    listed = "\n".join(f"- {e}" for e in errors[:8])
    return f"Your answer had these problems:\n{listed}\nReply again with the corrected JSON object only."


def run_chain(
    prompt_name: str,
    variables: Mapping[str, Any],
    output_model: type[T],
    *,
    settings: Any = None,
    handle: ModelHandle | None = None,
    sources: Sequence[Source] | None = None,
    allowed_unit_ids: set[str] | None = None,
    units: Mapping[str, Any] | None = None,
    enums: Mapping[str, Sequence[Any]] | None = None,
    run_log: Any = None,
    max_reasks: int | None = None,
    max_tokens: int | None = None,
    retry: RetryPolicy = RetryPolicy(),
) -> tuple[T, CallRecord]:
    """Run one chain to a validated `output_model`, re-asking on validation errors.

    sources: the numbered quotes shown to the model (citation numbers resolve to them);
    allowed_unit_ids: ids the answer may cite (default: the sources' ids, else all units);
    enums: extra per-property allowed values (e.g. {"target_ids": claim_ids}).
    Raises StructuredOutputError when re-asks run out, LLMCallError on transport failure.
    """
    handle = handle or model_handle(settings)
    prompt = load_prompt(prompt_name, settings)
    if allowed_unit_ids is None:
        allowed_unit_ids = {s.unit_id for s in sources} if sources else set(units or {})
    reasks = max_reasks if max_reasks is not None else (settings.max_reasks if settings is not None else 2)
    schema = grammar_schema(output_model, n_sources=len(sources) if sources else None, enums=enums, grammar_limits=handle.grammar_limits)
    options: dict[str, Any] = {"response_format": response_format(output_model, schema)}
    if max_tokens:
        options["max_tokens"] = max_tokens
    bound = handle.chat.bind(**options)
    # At temperature 0 a small model repeats the same wrong answer; re-asks sample a little.
    reask_bound = handle.chat.bind(**options, temperature=max(REASK_TEMPERATURE, getattr(handle.chat, "temperature", 0) or 0))
    # The worked example costs tokens on every request. A small model needs it for some chains (theme labels:
    # 9 of 24 fit their quotes with it, 2 of 22 without) and copies it in others (prompts say which); a capable
    # model follows the instructions and schema, so it sees the example only with a re-ask.
    with_example = not handle.capable and prompt.show_example == "small_models"
    messages = prompt.messages(variables, example=with_example)
    offered = sorted({s.unit_id for s in sources} if sources else allowed_unit_ids)
    record = CallRecord(chain=prompt_name, prompt_version=prompt.version, provider=handle.provider,
                        model=handle.model, unit_ids=offered)
    usage = Usage()

    def log(event: str, **fields: Any) -> None:
        if run_log is not None:
            run_log.record(event, chain=prompt_name, prompt_version=prompt.version, **handle.describe(), **fields)

    started = time.perf_counter()
    raw: str | None = None
    errors: list[str] = []
    for attempt in range(1, reasks + 2):
        t0 = time.perf_counter()
        message = _invoke(bound if attempt == 1 else reask_bound, messages, handle, retry, log)
        latency = time.perf_counter() - t0
        raw = message.content if isinstance(message.content, str) else json.dumps(message.content)
        call_usage = usage_from_message(message)
        usage += call_usage
        parsed, evidence, errors = validate_output(raw, output_model, sources=sources, allowed_unit_ids=allowed_unit_ids, units=units)
        if errors and (message.response_metadata or {}).get("finish_reason") == "length":
            errors.insert(0, "the answer was cut off at the token limit; answer more briefly")
        errors = [scrub(e, handle) for e in errors]
        shown_raw = scrub(raw, handle) if raw else raw  # a key never reaches a record, even if echoed
        record.attempts.append(AttemptRecord(attempt=attempt, raw=shown_raw, errors=errors, input_tokens=call_usage.input_tokens,
                                             output_tokens=call_usage.output_tokens, latency_s=round(latency, 4)))
        log("llm_call", attempt=attempt, unit_ids=offered, raw=shown_raw, errors=errors, ok=not errors,
            tokens_in=call_usage.input_tokens, tokens_out=call_usage.output_tokens, latency_s=round(latency, 4))
        if not errors:
            record.ok, record.evidence = True, evidence
            break
        if not with_example:
            with_example = True
            messages = prompt.messages(variables, example=True)[:-1] + messages[1:]
        messages = messages + [{"role": "assistant", "content": raw or ""}, {"role": "user", "content": _reask(errors)}]
    record.usage = usage.as_dict()
    record.latency_s = round(time.perf_counter() - started, 4)
    if not record.ok:
        raise StructuredOutputError(prompt_name, len(record.attempts), record.attempts[-1].raw, errors, usage.as_dict())
    return parsed, record


def default_concurrency(settings: Any, handle: ModelHandle | None = None) -> int:
    """Parallel calls worth making: the local server's slots, or settings.llm_concurrency for remote providers."""
    if handle is not None:
        return handle.concurrency
    return settings.llm_parallel if (settings.provider or "local") == "local" else settings.llm_concurrency


def run_many(calls: Sequence[Callable[[], Any]], concurrency: int, *, return_exceptions: bool = True) -> list[Any]:
    """Run independent calls (e.g. functools.partial(run_chain, ...)) at most `concurrency` at a time.

    Results keep the input order; with return_exceptions a failed call yields its exception
    (one chain giving up does not sink the others), else the first exception is raised.
    """
    def guarded(call: Callable[[], Any]) -> Any:
        try:
            return call()
        except Exception as exc:
            if not return_exceptions:
                raise
            return exc

    if concurrency <= 1 or len(calls) <= 1:
        return [guarded(c) for c in calls]
    with ThreadPoolExecutor(max_workers=min(concurrency, len(calls)), thread_name_prefix="llm") as pool:
        return list(pool.map(guarded, calls))
