"""Fault injection for chat-model calls: a scripted fake chat model and a faulty HTTP proxy for a real server."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import openai
from langchain_core.messages import AIMessage

from assistant.llm.prompts import Source, render_sources
from assistant.llm.providers import ModelHandle
from assistant.models import FeedbackUnit, Locator

QUOTES = ["My parcel arrived four days late.", "Tracking said delivered but nothing came.",
          "The courier left the box in the rain."]
GOOD_JSON = json.dumps({"title": "Late parcels", "description": "Deliveries arrive late or go missing.",
                        "sources": [1, 2], "insufficient_evidence": False})
REFUSAL = "I cannot help with that."
REPETITION = '{"title": "' + "late late " * 200


def theme_inputs() -> tuple[dict[str, FeedbackUnit], list[Source], dict[str, str]]:
    """(units by id, numbered sources, prompt variables) for the theme_label chain."""
    units = {f"u{i}": FeedbackUnit(id=f"u{i}", text=t, source="reviews.csv",
                                   locator=Locator(kind="row", index=i, char_start=0, char_end=len(t)))
             for i, t in enumerate(QUOTES)}
    sources = [Source(uid, u.text) for uid, u in units.items()]
    variables = {"stage": "Delivery", "polarity": "pain point", "evidence": render_sources(sources)}
    return units, sources, variables


def _request(url: str = "http://fake.invalid/v1/chat/completions") -> httpx.Request:
    return httpx.Request("POST", url)


def api_error(kind: str) -> Exception:
    """An openai exception as the SDK raises it for `kind`: 500, 429, 400, timeout, refused."""
    request = _request()
    if kind == "timeout":
        return openai.APITimeoutError(request=request)
    if kind == "refused":
        return openai.APIConnectionError(message="Connection refused", request=request)
    status = int(kind)
    response = httpx.Response(status, request=request, json={"error": {"message": f"injected {status}"}})
    cls = {500: openai.InternalServerError, 429: openai.RateLimitError, 400: openai.BadRequestError}[status]
    return cls(f"Error code: {status}", response=response, body=None)


@dataclass
class Reply:
    """One scripted model answer."""

    content: str
    finish_reason: str = "stop"


@dataclass
class FakeChat:
    """A chat model that plays a script of replies and exceptions; `calls` counts invocations."""

    script: list[Any]
    calls: int = 0
    seen: list[list[dict[str, str]]] = field(default_factory=list)
    bound: dict[str, Any] = field(default_factory=dict)

    def bind(self, **options: Any) -> "FakeChat":
        self.bound = options
        return self

    def invoke(self, messages: list[dict[str, str]]) -> AIMessage:
        self.calls += 1
        self.seen.append(list(messages))
        step = self.script.pop(0) if len(self.script) > 1 else self.script[0]  # the last step repeats
        if isinstance(step, BaseException):
            raise step
        reply = step if isinstance(step, Reply) else Reply(step)
        return AIMessage(content=reply.content, response_metadata={"finish_reason": reply.finish_reason},
                         usage_metadata={"input_tokens": 100, "output_tokens": 20, "total_tokens": 120})


def fake_handle(*script: Any) -> ModelHandle:
    return ModelHandle("fake", "scripted", "http://fake.invalid/v1", capable=False, chat=FakeChat(list(script)))


from tests.servers import free_port  # noqa: E402,F401  (re-exported for the fault tests)


def _completion(content: str, finish_reason: str = "stop") -> bytes:
    return json.dumps({
        "id": "chatcmpl-fault", "object": "chat.completion", "created": int(time.time()), "model": "proxy",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }).encode()


class FaultProxy:
    """An HTTP proxy on 127.0.0.1 in front of an OpenAI-compatible server that injects scripted faults.

    Faults (one per request, in order; "pass" forwards): 500, 429, garbage, truncated, slow,
    refusal, repeat, echo_auth (a 401 whose body repeats the Authorization header).
    """

    def __init__(self, upstream: str, slow_seconds: float = 2.0):
        self.upstream = upstream.rstrip("/")
        self.slow_seconds = slow_seconds
        self.faults: deque[str] = deque()
        self.log: list[tuple[str, str]] = []  # (path, fault)
        self.auth_headers: list[str] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def inject(self, *faults: str) -> None:
        with self._lock:
            self.faults.clear()
            self.faults.extend(faults)
            self.log.clear()

    def _next(self, path: str) -> str:
        with self._lock:
            fault = self.faults.popleft() if self.faults else "pass"
            self.log.append((path, fault))
            return fault

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None, length: int | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body) if length is None else length))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                try:
                    self.wfile.write(body)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):  # the client timed out and left first
                    self.close_connection = True

            def do_GET(self) -> None:
                response = httpx.get(proxy.upstream + self.path, timeout=30)
                self._send(response.status_code, response.content)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy.auth_headers.append(self.headers.get("Authorization", ""))
                fault = proxy._next(self.path)
                if fault == "slow":
                    time.sleep(proxy.slow_seconds)
                    fault = "500"
                if fault == "500":
                    return self._send(500, b'{"error": {"message": "injected server error"}}')
                if fault == "429":
                    return self._send(429, b'{"error": {"message": "injected rate limit"}}', {"Retry-After": "0"})
                if fault == "garbage":
                    return self._send(200, b"\x00<html>garbage{{ not json")
                if fault == "truncated":
                    partial = _completion(GOOD_JSON)[:40]
                    self._send(200, partial, length=len(partial) + 500)
                    self.close_connection = True
                    return None
                if fault == "refusal":
                    return self._send(200, _completion(REFUSAL))
                if fault == "repeat":
                    return self._send(200, _completion(REPETITION, "length"))
                if fault == "echo_auth":
                    echoed = json.dumps({"error": {"message": f"invalid key: {self.headers.get('Authorization')}"}})
                    return self._send(401, echoed.encode())
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                response = httpx.post(proxy.upstream + self.path, content=body, headers=headers, timeout=300)
                return self._send(response.status_code, response.content)

        return Handler
