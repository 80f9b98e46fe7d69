"""Chat tab: streaming answers with citations, slash commands and map edits proposed as a diff."""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass
from typing import Any, Iterator, Optional

import gradio as gr

from assistant import api
from assistant.config import Settings
from assistant.errors import MapNotFoundError
from assistant.refine.requests import is_edit_request
from assistant.refine.slash import run_slash
from ui.chat_render import NO_SOURCES, answer_markdown, command_markdown, message, sources_html
from ui.common import LLM_GROUP, WRITE_GROUP, guarded, parse_where, to_gr_error
from ui.map_tab import current_map_id
from ui.state import SessionState, ensure

STREAM_EVERY_S = 0.08
HELP = ("Ask about the feedback (answers cite verbatim quotes as [n]), or edit the map: "
        "`/rename <id> <text>`, `/merge <id> <id> [as <text>]`, `/move <claim-id> <stage>.<lane>`, `/delete <id>`, "
        "`/undo`, `/redo`, `/history`, `/diff v1 v2`, `/help`, or in words that name ids (\"merge pp-purchase-1 and "
        "pp-purchase-2 as Checkout fails\"). Claim ids are in the Map tab's evidence picker.")


@dataclass
class ChatTab:
    chatbot: gr.Chatbot
    edit_buttons: list  # [accept, reject, undo, redo]: their events save map versions


def _need_map(settings: Settings, map_id: Optional[str]) -> str:
    resolved = current_map_id(settings, map_id)
    if resolved is None:
        raise MapNotFoundError("no map to edit yet; draft one on the Map tab first")
    return resolved


def _edit_panel(state: SessionState) -> tuple[Any, Any]:
    """Updates for (diff box, accept/reject row) from the pending proposal."""
    if state.proposal is None:
        return gr.update(value="", visible=False), gr.update(visible=False)
    return gr.update(value=state.proposal.diff_text, visible=True), gr.update(visible=True)


def run_command(settings: Settings, text: str, map_id: Optional[str], state: SessionState) -> tuple[str, bool]:
    """Run a slash command; (reply markdown, whether the saved map changed). Edits become a pending proposal."""
    result = run_slash(api.refiner(settings, _need_map(settings, map_id)), text)
    if result.proposal is not None:
        state.proposal = result.proposal
        return command_markdown(result.proposal.diff_text) + "\nPress **Accept** to save this as a new version, or **Reject**.", False
    return command_markdown(result.message), result.saved is not None


def stream_answer(settings: Settings, question: str, state: SessionState, where: Optional[dict],
                  map_id: Optional[str]) -> Iterator[tuple[str, Any]]:
    """Yield (partial text, None) while the model writes, then ("", ChatAnswer) when it is done."""
    tokens: queue.Queue = queue.Queue()
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["answer"] = api.ask(question, settings, session=state.chat_session, where=where,
                                        map_id=map_id, on_token=tokens.put)
        except BaseException as exc:  # handed to the event thread, which turns it into a gr.Error
            outcome["error"] = exc
        finally:
            tokens.put(None)

    threading.Thread(target=work, name="journey-ask", daemon=True).start()
    partial, last_yield, done = "", 0.0, False
    while not done:
        token = tokens.get()
        while token is not None:
            partial += token
            try:
                token = tokens.get_nowait()
            except queue.Empty:
                break
        done = token is None
        if not done and time.monotonic() - last_yield >= STREAM_EVERY_S:
            last_yield = time.monotonic()
            yield partial, None
    if "error" in outcome:
        raise outcome["error"]
    yield "", outcome["answer"]


def chat_turn(settings: Settings, text: str, state: SessionState, filters: str, map_id: Optional[str]):
    """One chat turn as a generator of (messages, sources, state, map_changed)."""
    text = (text or "").strip()
    if not text:
        raise gr.Error("type a question, or /help for the map-edit commands", print_exception=False)
    state.messages.append(message("user", text))
    yield state.messages + [message("assistant", "…")], gr.update(), state, False
    if text.startswith("/"):
        reply, changed = run_command(settings, text, map_id, state)
        state.messages.append(message("assistant", reply))
        yield state.messages, gr.update(), state, changed
        return
    if is_edit_request(text) and current_map_id(settings, map_id):
        state.proposal = api.propose_edit(settings, text, _need_map(settings, map_id))
        reply = command_markdown(state.proposal.diff_text) + "\nPress **Accept** to save this as a new version, or **Reject**."
        state.messages.append(message("assistant", reply))
        yield state.messages, gr.update(), state, False
        return
    where = parse_where(filters)
    for partial, answer in stream_answer(settings, text, state, where, current_map_id(settings, map_id)):
        if answer is None:
            yield state.messages + [message("assistant", partial + " ▌")], gr.update(), state, False
            continue
        state.messages.append(message("assistant", answer_markdown(answer)))
        state.last_citations = list(answer.citations)
        yield state.messages, sources_html(answer), state, False


def accept_proposal(settings: Settings, state: SessionState) -> str:
    if state.proposal is None:
        raise gr.Error("no proposed edit to accept; propose one with a slash command such as /rename", print_exception=False)
    proposal, state.proposal = state.proposal, None
    saved = api.refiner(settings, proposal.map_id).accept(proposal)
    return f"Saved **version {saved.version}** of `{saved.id}`."


def reject_proposal(state: SessionState) -> str:
    if state.proposal is None:
        return "Nothing to reject."
    state.proposal = None
    return "Edit rejected; the map is unchanged."


def undo_redo(settings: Settings, map_id: Optional[str], which: str) -> str:
    refiner = api.refiner(settings, _need_map(settings, map_id))
    current = refiner.undo() if which == "undo" else refiner.redo()
    return f"{which.capitalize()}: `{current.id}` is now at **version {current.version}**."


def build(settings: Settings, map_picker: gr.Dropdown, state: gr.State, refresh_map: Any, map_outputs: list) -> ChatTab:
    """Lay out the Chat tab and wire its events; map changes re-render the Map tab."""
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(label="Chat with the feedback", height=520, elem_id="chatbot", buttons=["copy"],
                                 placeholder=HELP, feedback_options=None)
            with gr.Row():
                box = gr.Textbox(placeholder="Ask a question, or /help", show_label=False, scale=5, elem_id="chat-input",
                                 submit_btn=False)
                send = gr.Button("Send", variant="primary", scale=1, elem_id="chat-send")
            filters = gr.Textbox(label="Scope filters (key=value: source, respondent, stage, persona, m.<column>)",
                                 placeholder="m.segment=new", elem_id="chat-filters")
            diff_box = gr.Code(label="Proposed edit", language=None, visible=False, elem_id="proposal-diff")
            with gr.Row(visible=False) as decision_row:
                accept = gr.Button("Accept", variant="primary", elem_id="accept-edit")
                reject = gr.Button("Reject", variant="stop", elem_id="reject-edit")
            with gr.Row():
                undo = gr.Button("Undo map edit", size="sm", elem_id="undo-edit")
                redo = gr.Button("Redo", size="sm", elem_id="redo-edit")
                clear = gr.Button("New conversation", size="sm")
            status = gr.Markdown(elem_id="edit-status")
        with gr.Column(scale=2, min_width=300):
            gr.Markdown("#### Sources")
            sources = gr.HTML(NO_SOURCES, elem_id="chat-sources", max_height=700)

    def on_send(text, state_value, filters_value, map_id):
        session = ensure(state_value)
        try:
            for messages, sources_value, session, changed in chat_turn(settings, text, session, filters_value, map_id):
                yield "", messages, sources_value, session, *_edit_panel(session), changed
        except Exception as exc:
            error = to_gr_error(exc)
            if session.messages and session.messages[-1]["role"] == "user":
                session.messages.append(message("assistant", f"⚠️ {error.message}"))
                yield "", session.messages, gr.update(), session, *_edit_panel(session), False
            raise error from None

    @guarded
    def on_accept(state_value):
        session = ensure(state_value)
        text = accept_proposal(settings, session)
        return (text, session, *_edit_panel(session))

    @guarded
    def on_reject(state_value):
        session = ensure(state_value)
        text = reject_proposal(session)
        return (text, session, *_edit_panel(session))

    @guarded
    def on_undo(map_id):
        return undo_redo(settings, map_id, "undo")

    @guarded
    def on_redo(map_id):
        return undo_redo(settings, map_id, "redo")

    def on_clear(state_value):
        session = SessionState()
        return [], NO_SOURCES, session, *_edit_panel(session)

    changed = gr.State(False)
    send_outputs = [box, chatbot, sources, state, diff_box, decision_row, changed]
    gr.on([send.click, box.submit], on_send, [box, state, filters, map_picker], send_outputs, api_name="chat",
          concurrency_id=LLM_GROUP, concurrency_limit=settings.llm_parallel).success(
        lambda flag, map_id: refresh_map(map_id) if flag else tuple(gr.update() for _ in map_outputs),
        [changed, map_picker], map_outputs, api_visibility="private")
    accept.click(on_accept, [state], [status, state, diff_box, decision_row], api_name="accept",
                 concurrency_id=WRITE_GROUP, concurrency_limit=1).success(refresh_map, [map_picker], map_outputs,
                                                                          api_visibility="private")
    reject.click(on_reject, [state], [status, state, diff_box, decision_row], api_name="reject")
    for button, handler, name in ((undo, on_undo, "undo"), (redo, on_redo, "redo")):
        button.click(handler, [map_picker], status, api_name=name, concurrency_id=WRITE_GROUP,
                     concurrency_limit=1).success(refresh_map, [map_picker], map_outputs, api_visibility="private")
    clear.click(on_clear, [state], [chatbot, sources, state, diff_box, decision_row], api_name="clear_chat")
    return ChatTab(chatbot=chatbot, edit_buttons=[accept, reject, undo, redo])
