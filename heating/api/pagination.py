"""The API's pages (`?page=N`, DRF's envelope), with the page number read as the schema documents it."""
from rest_framework import pagination
from rest_framework.exceptions import NotFound


class PageNumberPagination(pagination.PageNumberPagination):
    """DRF's, but `page` is one number in ASCII digits, or absent for the first page. DRF also takes
    "last", an empty value, the last of several, " 2" and "２"; here those are the 404 that any other
    page not in the list gets."""

    last_page_strings = ()

    def get_page_number(self, request, paginator):
        values = request.query_params.getlist(self.page_query_param)
        if not values:
            return 1
        if len(values) > 1 or not (values[0].isascii() and values[0].isdigit()):
            raise NotFound(self.invalid_page_message)
        return values[0]

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters
