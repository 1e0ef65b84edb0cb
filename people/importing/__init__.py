"""Population register import: CSV and Excel files from the civil registry and village offices.

The accepted columns, value formats and what is refused are described for clerks in
docs/import-format.md. The modules, in the order a row goes through them:

* ``readers``: open the file, decide its encoding and separator, stream ``(line, cells)``;
* ``columns``: match the header row to the known columns;
* ``values`` and ``rows``: turn a row's cells into resident fields or reasons to refuse it;
* ``service``: in-file checks (a NIK used twice, a family in two villages), chunking, counts;
* ``writer``: write a chunk with a fixed number of queries;
* ``reports``: the rejects file and the summary.
"""

from people.importing.errors import ImportFileError
from people.importing.service import import_population, report_path, summary_path

__all__ = ["ImportFileError", "import_population", "report_path", "summary_path"]
