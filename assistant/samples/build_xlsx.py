"""Build store_reviews_q3.xlsx of the clothing sample corpus (deterministic bytes)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from assistant.samples._frozen_zip import freeze_zip

HERE = Path(__file__).resolve().parent
OUT = HERE / "clothing" / "reviews" / "store_reviews_q3.xlsx"
FIXED = datetime(2026, 10, 2, 9, 30, 0)
HEADER = ["review_id", "date", "platform", "reviewer", "stars", "review_text"]

# (date, platform, reviewer, stars, review_text)
ROWS = [
    (date(2026, 7, 1), "Trustpilot", "Gemma R.", 5, "Ordered Sunday night, collected from the locker Monday evening. Dress fitted, quality is lovely. Couldn't be easier."),
    (date(2026, 7, 3), "App Store", "jordan_k", 1, "Latest update broke Face ID login and now it won't accept my password. Three resets. Uninstalling."),
    (date(2026, 7, 4), "Google Play", "Sasha M", 5, "Best shopping app on my phone. Wishlist price alerts have saved me a fortune."),
    (date(2026, 7, 8), "Trustpilot", "Mark T.", 2, "Clothes are fine but refunds are painfully slow. 12 days after the warehouse got my return and I'm still waiting."),
    (date(2026, 7, 10), "Trustpilot", "Bernadette O'Neill", 4, "Good quality for the price and the returns portal is simple. I'd give 5 if the delivery charge was lower on small orders, £4.99 on a £15 top is a lot."),
    (date(2026, 7, 13), "App Store", "mumof3_kat", 2, "Crashes at payment nearly every time on my iPhone and empties the basket. Website works fine. Please fix!"),
    (date(2026, 7, 15), "Trustpilot", "Ravi P.", 5, "The chat agent (Kezia) sorted my missing item in five minutes and didn't make me jump through hoops. Great service."),
    (date(2026, 7, 18), "Google Play", "Leo", 3, "App is ok but search is poor. Typing 'linen' shows kids' shorts before the linen shirts."),
    (date(2026, 7, 22), "Trustpilot", "Fran W.", 1, "Parcel left behind a hedge in the rain, photo as 'proof'. Everything soaked. Courier refuses responsibility and Threadline says contact the courier. Round in circles."),
    (date(2026, 7, 25), "Trustpilot", "Harriet", 5, "Thread Club early access is brilliant. Got everything I wanted before the sale went public, in my size for once."),
    (date(2026, 7, 29), "App Store", "t.nguyen", 4, "Really smooth app, Apple Pay checkout in seconds. Would be 5 stars with a dark mode."),
    (date(2026, 8, 1), "Trustpilot", "Colette B.", 3, "Kids' school uniform is great value. Website is hard work though, sizes by age are useless for my tall daughter."),
    (date(2026, 8, 4), "Trustpilot", "Aaron", 1, "Tried to use a promo code, said invalid. Chat bot was no help. Gave up and bought elsewhere."),
    (date(2026, 8, 7), "Google Play", "Bea", 5, "love this app sm, new in every morning at 8 and I check it on the bus lol"),
    (date(2026, 8, 11), "Trustpilot", "Douglas Fraser", 4, "Very pleased with my jacket. Took 6 days to arrive, which is longer than promised, but worth the wait."),
    (date(2026, 8, 14), "Trustpilot", "Imogen", 2, "Ordered two dresses, size 12 in both, completely different sizes. One fits like a 10, one like a 14. How?"),
    (date(2026, 8, 18), "App Store", "olderandwiser61", 2, "VoiceOver reads lots of unlabelled buttons and I can't tell which size I'm picking. The website is a little better. Please make it accessible."),
    (date(2026, 8, 21), "Trustpilot", "Naz", 5, "Third year buying school uniform here. Trousers with the reinforced knees last the full year. Told the whole class WhatsApp."),
    (date(2026, 8, 25), "Trustpilot", "Peter J.", 3, "Good clothes, too many emails. I get one every day, sometimes two. I'll unsubscribe if it continues."),
    (date(2026, 8, 28), "Google Play", "Kel", 1, "Klarna option disappeared from checkout and support had no idea why. Couldn't complete my order."),
    (date(2026, 9, 1), "Trustpilot", "Yvonne C.", 5, "First time shopping online for clothes at 68 and I managed it all by myself. Lovely cardigan, easy return for the one that didn't fit."),
    (date(2026, 9, 4), "Trustpilot", "Sunita", 2, "Curve range is so limited. I'd spend hundreds if you made the main range above a 20."),
    (date(2026, 9, 8), "App Store", "ben.w", 5, "Buy again button is a lifesaver. Same chinos, two taps, done."),
    (date(2026, 9, 10), "Trustpilot", "Callum R.", 4, "Solid shop, fair prices in the sale. The plastic bag around every item is unnecessary though."),
    (date(2026, 9, 14), "Trustpilot", "Maggie", 1, "I was charged twice for one order and it took ten days and three emails to get the duplicate payment back."),
    (date(2026, 9, 17), "Google Play", "anon", 4, "Good app. Sometimes slow loading the product videos on mobile data."),
    (date(2026, 9, 21), "Trustpilot", "Tom H.", 5, "Referred four friends, all of them now shop here. Quality, price and the locker delivery are a winning combo."),
    (date(2026, 9, 24), "Trustpilot", "Deepa K.", 3, "Nice clothes but I found out about the £2.50 return fee on small orders only when my refund arrived short."),
    (date(2026, 9, 27), "App Store", "sophie_x", 4, "Cute stuff, easy app, drops sell out way too fast though."),
    (date(2026, 9, 30), "Trustpilot", "Julian", 5, "Bought a suit for a job interview with next day delivery. Fitted well, looked sharp, got the job. Cheers Threadline."),
]


def build(out: Path = OUT) -> Path:
    """Write the store reviews as one sheet with a header row, fixed metadata and timestamps."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Q3 2026"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for n, (day, platform, reviewer, stars, text) in enumerate(ROWS, start=1):
        sheet.append([f"SR-Q3-{n:03d}", day, platform, reviewer, stars, text])
        sheet.cell(row=n + 1, column=2).number_format = "yyyy-mm-dd"
    for column, width in zip("ABCDEF", (12, 12, 12, 20, 6, 100)):
        sheet.column_dimensions[column].width = width
    workbook.properties.creator = "Threadline Research"
    workbook.properties.created = FIXED
    workbook.save(out)
    freeze_zip(out, FIXED)
    return out


if __name__ == "__main__":
    print(build())
