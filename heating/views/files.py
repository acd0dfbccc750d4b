from django.http import FileResponse


def stored_file_download(found) -> FileResponse:
    """An uploaded file (a StoredFile) as a download under the name it was uploaded with, with its
    checked type: never shown inline, where a browser would treat it as one of the portal's pages."""
    return FileResponse(
        found.file.open("rb"), as_attachment=True, filename=found.name, content_type=found.content_type
    )
