from django.utils.functional import SimpleLazyObject

from heating.selectors.scope import company_membership


def portal(request):
    """The signed-in user's company membership for the navigation: the one a staff view already
    looked up, else one query, made only if the page uses it."""

    def membership():
        return getattr(request, "membership", None) or company_membership(request.user)

    return {"company_membership": SimpleLazyObject(membership)}
