"""`{% filter page_title %}…{% endfilter %}`: what a page's <title> reads."""

from django import template

register = template.Library()

PRODUCT = "Kantata Admin"


@register.filter
def page_title(heading: str) -> str:
    """ "Page · Kantata Admin", or the product's name alone for a page without a title.

    Django's templates cannot ask whether a child filled a block (`self.head_title` is
    Jinja), so the filled block's text is what decides.
    """
    heading = " ".join(str(heading).split())
    return f"{heading} · {PRODUCT}" if heading else PRODUCT
