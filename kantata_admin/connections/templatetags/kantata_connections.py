from django import template

from kantata_admin.connections.adapter import sign_in_offered

register = template.Library()


@register.simple_tag
def kantata_sign_in_offered() -> bool:
    """Whether the sign-in page offers "Sign in with Kantata OX"."""
    return sign_in_offered()
