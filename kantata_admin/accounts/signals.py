from allauth.account.signals import user_signed_up
from django.dispatch import receiver

from kantata_admin.accounts import services


@receiver(user_signed_up)
def accept_invitation_on_sign_up(sender, request, user, **kwargs) -> None:
    invitation = services.invitation_from_session(request)
    if invitation is not None:
        services.invitation_accept(invitation, user=user, request=request)
