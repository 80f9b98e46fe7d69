"""A real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions shape from a script of replies."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


@dataclass
class Reply:
    """One scripted HTTP answer: a status with headers, and for 200 the assistant message content."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    content: str = ""


def completion_body(content: str, model: str = "stub") -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub", "object": "chat.completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 40, "completion_tokens": 12, "total_tokens": 52},
    }


class OpenAIStub:
    """Serves POST /v1/chat/completions from `replies` in order (the last one repeats); records arrival times."""

    def __init__(self, replies: list[Reply]):
        self.replies = list(replies)
        self.arrivals: list[float] = []
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
                with stub._lock:
                    stub.arrivals.append(time.monotonic())
                    stub.requests.append(body)
                    reply = stub.replies.pop(0) if len(stub.replies) > 1 else stub.replies[0]
                if reply.status == 200:
                    payload = completion_body(reply.content, body.get("model", "stub"))
                else:
                    payload = {"error": {"message": f"stub status {reply.status}", "type": "stub_error", "code": None}}
                data = json.dumps(payload).encode()
                self.send_response(reply.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
