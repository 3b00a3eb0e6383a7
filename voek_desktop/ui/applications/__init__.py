"""«Заявки», «Договоры», «Обратная связь», «Опрос»: grid-connection applications end to end.

QtPdf, reportlab and the wizard load when first needed (a preview, a print), not here.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from voek_desktop.api.models import Profile
from voek_desktop.ui.context import Context
from voek_desktop.ui.sections import (
    APPLICATIONS,
    CONNECTION_CONTRACTS,
    FEEDBACK,
    SURVEY,
    Section,
)


def sections(ctx: Context, profile: Profile, parent: QWidget) -> list[Section]:
    from voek_desktop.ui.applications.contracts import ContractsPage
    from voek_desktop.ui.applications.feedback import FeedbackPage
    from voek_desktop.ui.applications.page import ApplicationsPage
    from voek_desktop.ui.applications.survey import SurveyPage

    return [
        Section(APPLICATIONS, "Заявки", ApplicationsPage(ctx, profile, parent)),
        Section(CONNECTION_CONTRACTS, "Договоры", ContractsPage(ctx, profile, parent)),
        Section(FEEDBACK, "Обратная связь", FeedbackPage(ctx, profile, parent)),
        Section(SURVEY, "Опрос", SurveyPage(ctx, profile, parent)),
    ]
