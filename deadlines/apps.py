from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    verbose_name = _("Deadlines and reminders")

    def ready(self) -> None:
        # Imported here, as Django asks: the models and services load once the app registry is ready.
        from deadlines import arrivals, clocks, signals
        from deadlines.models import DeadlineEvent
        from decisions import extensions

        extensions.provide_vocabulary(events=DeadlineEvent)
        # The clocks read the whole record, so they follow every other hook (order 100).
        extensions.on_event(signals.sync_clocks, order=100)
        # Whoever an event hands a task to is told (the bell, e-mail, the department's robot); a
        # waiver request reaches its approver, its outcome its requester.
        extensions.on_event(arrivals.notify_event, order=110)
        extensions.on_record_changed(clocks.sync_for_decision, order=100)
        extensions.provide_decision_filter("overdue", signals.filter_overdue)
        signals.connect()
