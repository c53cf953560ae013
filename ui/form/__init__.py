"""The incident form in the application: conclude the case, make the form, preview, print, save a copy.

What the case window calls:

* ``open_conclusion(case, parent)`` → :class:`ConclusionDialog` (signal ``concluded(Event)``);
* ``open_form(case, parent)`` → :class:`FormDialog`, whose ``preview`` (a
  :class:`FormPreview`) makes the form in the background, keeps it in the
  vault (hash journaled), shows it from memory, prints it and saves a copy
  on request (signals ``ready(IssuedForm)``, ``failed(exc)``, ``printed(ok)``,
  ``saved(path)``).
"""

from ui.form.conclusion import ConclusionDialog, open_conclusion
from ui.form.preview import SAVE_WARNING, FormDialog, FormPreview, PrintJob, open_form
from ui.form.worker import FormJob, start_form_job

__all__ = ["ConclusionDialog", "FormDialog", "FormJob", "FormPreview", "PrintJob", "SAVE_WARNING",
           "open_conclusion", "open_form", "start_form_job"]
