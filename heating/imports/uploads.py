"""An upload handler that stops keeping an upload once it passes the import limit."""
from django.core.files.uploadhandler import FileUploadHandler

from . import files


class ImportSizeLimit(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: hands Django's own handlers the first MAX_BYTES + 1 bytes of a
    file and drops the rest, so a huge body fills neither memory nor disk while the view still sees
    a file over the limit and says so."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        room = files.MAX_BYTES + 1 - self.received
        self.received += len(raw_data)
        return raw_data[: max(room, 0)] or None

    def file_complete(self, file_size):
        return None  # the next handler returns the file
