"""`journey chat`: questions, map questions, edit requests and slash commands in one prompt."""

from __future__ import annotations

from rich.console import Console

from assistant.errors import JourneyError

def help_text() -> str:
    """What the chat understands, with every map-edit command's syntax and an example."""
    from assistant.refine.slash import help_text as commands

    return f"""Ask anything about the feedback, e.g. "what frustrates people about returns?".
Ask about the map: "what are the top pain points in purchase?".
Edit the map in words that name claim ids, e.g. "rename pp-delivery-1 to Parcels arrive late",
"merge pp-purchase-1 and pp-purchase-2 as Checkout fails", "move pp-purchase-1 to delivery",
"delete op-purchase-1" (or point at items in words, "merge the two delivery delay pain points",
and the model proposes the edit), or with slash commands:
{commands()}
A proposed edit is shown as a diff: type /accept to save it as a new version, /reject to drop it.
/quit leaves."""


def run_repl(settings, session: str, console: Console) -> int:
    from assistant.chat.engine import ChatEngine
    from assistant.refine.requests import is_edit_request, propose_from_request

    engine = ChatEngine(settings, session=session)
    pending = None
    console.print(help_text(), highlight=False, markup=False)
    while True:
        try:
            line = console.input("[bold]you> [/bold]").strip()
        except (EOFError, KeyboardInterrupt):
            console.print()
            return 0
        if not line:
            continue
        if line in ("/quit", "/exit"):
            return 0
        try:
            if line == "/help":
                console.print(help_text(), highlight=False, markup=False)
            elif line in ("/accept", "/reject"):
                pending = _resolve(engine, pending, line == "/accept", console)
            elif line.startswith("/"):
                pending = _slash(engine, line, console) or pending
            elif is_edit_request(line) and engine.current_map() is not None:
                pending = propose_from_request(_refiner(engine), line, settings, engine.handle())
                console.print(pending.diff_text + "\n(/accept to save, /reject to drop)", highlight=False, markup=False)
            else:
                answer = engine.ask(line, on_token=lambda text: console.print(text, end="", highlight=False, markup=False))
                if answer.fallback_notice():
                    console.print("warning:", style="yellow", end=" ")
                    console.print(answer.fallback_notice(), highlight=False, markup=False)
        except JourneyError as exc:
            console.print("error:", style="red", end=" ")
            console.print(str(exc), highlight=False, markup=False)


def _refiner(engine):
    from assistant import api

    return api.refiner(engine.settings, engine.map_id)


def _slash(engine, line: str, console: Console):
    from assistant.refine.slash import run_slash

    result = run_slash(_refiner(engine), line)
    console.print(result.message, highlight=False, markup=False)  # claim texts and "[current]" are not markup
    return result.proposal


def _resolve(engine, pending, accept: bool, console: Console):
    if pending is None:
        console.print("nothing to accept or reject")
        return None
    refiner = _refiner(engine)
    if accept:
        saved = refiner.accept(pending, author="chat")
        console.print(f"saved as v{saved.version}")
    else:
        refiner.reject(pending)
        console.print("dropped")
    return None
