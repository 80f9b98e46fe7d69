"""Build the Helen interview .docx of the clothing sample corpus (deterministic bytes)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from assistant.samples._frozen_zip import freeze_zip

HERE = Path(__file__).resolve().parent
OUT = HERE / "clothing" / "interviews" / "interview_04_helen.docx"
FIXED = datetime(2026, 2, 18, 10, 0, 0)

I, H = "Interviewer", "Helen"
TURNS = [
    (I, "Thanks for joining, Helen. Could you tell me a little about yourself and your work?"),
    (H, "Of course. I'm 46, I'm a senior associate at a law firm in Manchester, so I'm in the office three days a week and in client meetings a fair bit. I need clothes that look sharp, survive a full day and a commute, and don't need ironing every morning."),
    (I, "How did you first hear about Threadline?"),
    (H, "A colleague. She turned up in a navy trouser suit that looked tailored and I asked where it was from, fully expecting some boutique, and she said Threadline Studio, about £140 for the whole thing. I was sceptical, I'd thought of Threadline as a teenagers' brand from the adverts on the tram."),
    (I, "What changed your mind?"),
    (H, "Feeling the fabric, frankly. She let me feel the sleeve. It had a proper weight to it. And the fact that the jacket and trousers are sold separately, so I could be a 12 on top and a 14 on the bottom. That's rare at that price and it's the main reason I ordered."),
    (I, "How do you go about choosing workwear online?"),
    (H, "Very carefully. I read the fabric composition first. If it's 100% polyester I'm out, it'll be sweaty by lunchtime. The annoying thing is that on about a third of your product pages the composition isn't there, or it just says 'see label'. I can't see the label, I'm on a website."),
    (I, "Did you use the size guide or the Fit Finder?"),
    (H, "The Fit Finder, yes, and I was genuinely impressed. It asked about my height, my usual size in two other brands and whether I like a relaxed or a close fit, and it recommended a 12 jacket and a 14 regular-length trouser. Both were right. I've recommended it to people specifically."),
    (I, "Was anything about the product pages less helpful?"),
    (H, "Leg lengths. You say 'regular' and 'long' but not the inside leg in centimetres on every item. I'm 5'9\", so long is usually right, but not always. Also the photos are all on very young models walking in a studio. I'd like to see how a blazer sits on someone my age, sitting at a desk."),
    (I, "Tell me about your first order."),
    (H, "I ordered the suit and two blouses on a Sunday night for a pitch on the Wednesday, so I paid the £6.99 for next day. It arrived Monday by 11am, well packaged, the jacket folded with tissue so it wasn't creased. Full marks."),
    (I, "And the fit and quality once you wore it?"),
    (H, "The suit was excellent. I've worn it perhaps thirty times now and it still looks good. It goes through a 30 degree wash, which is a revelation for a suit. The blouses were more mixed. One was lovely. The other was practically see-through under office lights, which the photos did not suggest."),
    (I, "What did you do with that blouse?"),
    (H, "Returned it through the portal. That's straightforward, although I'd prefer a courier collection from my home. I don't have time to stand in a queue or find a locker. I'd happily pay a couple of pounds for a collection."),
    (I, "Have you had any dealings with customer support?"),
    (H, "Once. A button came off a blazer after two weeks, so I emailed with photos. It took three working days to get a reply, which felt slow. The reply itself was good: they offered a replacement or a refund and I didn't have to send it back. But three days of silence made me assume they'd ignored me."),
    (I, "Did you try the chat?"),
    (H, "I looked at it, but it opens with a chatbot and I've learnt that those waste my time. I'd rather email and have a record."),
    (I, "Are you a Thread Club member?"),
    (H, "I am, and I'm on Gold now, apparently, because I spent over £300 in the year. The free next-day delivery is the only perk I use, but it's a genuinely useful one. I couldn't tell you my points balance."),
    (I, "How do you feel about the emails and the marketing?"),
    (H, "I unsubscribed from the daily emails within a month. I don't need to hear about festival wear. If you could send me something when Studio has new pieces in my sizes, I'd read every one of those."),
    (I, "How has your shopping with Threadline changed over time?"),
    (H, "I now buy most of my workwear there. Three suits, a good coat, several pairs of trousers. I trust the Studio line. I don't buy the casual range, it feels like it's aimed at someone else."),
    (I, "Would you recommend Threadline?"),
    (H, "I have done, several times, for workwear specifically. At least four people in our office have bought the same trousers. We joke that it's the unofficial uniform. I'd add a caveat about checking the fabric on the blouses."),
    (I, "If you could change one thing, what would it be?"),
    (H, "Put the fabric composition and the measurements on every single product page. That's the information I need to make a decision, and without it I'm guessing. Oh, and home collection for returns."),
    (I, "Anything else you'd like to add?"),
    (H, "Only that the price-to-quality ratio on the suits is the best I've found. Please don't change the fabric to save money. I'd notice."),
]


def build(out: Path = OUT) -> Path:
    """Write the transcript as a .docx with fixed metadata and timestamps."""
    import docx

    document = docx.Document()
    props = document.core_properties
    props.author, props.last_modified_by = "Threadline Research", "Threadline Research"
    props.title = "Customer interview 04: Helen (workwear)"
    props.created = props.modified = FIXED
    props.revision = 1
    document.add_heading("Threadline customer interview 04", level=1)
    document.add_paragraph("Interview with Helen (46, Thread Club Gold) on 18 February 2026, conducted by Jo Marsh.")
    for speaker, text in TURNS:
        document.add_paragraph(f"{speaker}: {text}")
    document.save(out)
    freeze_zip(out, FIXED)
    return out


if __name__ == "__main__":
    print(build())
