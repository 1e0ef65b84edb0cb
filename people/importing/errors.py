"""The one exception a whole-file problem raises."""


class ImportFileError(ValueError):
    """The file as a whole cannot be imported: nothing from it is written.

    The message says what is wrong and what the clerk can do about it (it is shown as is in the
    command's output and on the import page), for example which headers are unknown and which
    names are accepted.
    """
