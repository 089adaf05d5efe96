"""The Plan on a page tab: edit the current draft, agree it, read earlier versions."""

from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from familyworker.domain.errors import ValidationError
from familyworker.domain.ids import new_id
from familyworker.domain.plan import Action, ActionStatus, Goal, Plan
from familyworker.domain.star import StarTemplate
from familyworker.services.family_file import FamilyFile
from familyworker.views.shared.confirm import ask_to_confirm
from familyworker.views.shared.qt_dates import from_qdate, to_qdate
from familyworker.views.shared.sizing import fit_columns_to_headers

_SECTIONS = (("working_well", "What's working well"),
             ("worried_about", "What we're worried about"),
             ("needs_to_happen", "What needs to happen"),
             ("family_words", "The family's own words"))


def _plan_payload(plan: Plan) -> dict[str, Any]:
    return {
        "plan_id": plan.id, "version": plan.version,
        **{name: getattr(plan, name) for name, _ in _SECTIONS},
        "goals": [{"id": g.id, "text": g.text, "domain": g.star_domain_key,
                   "actions": [{"id": a.id, "what": a.what, "who": a.who,
                                "by_when": a.by_when.isoformat() if a.by_when else None,
                                "status": a.status.value} for a in g.actions]}
                  for g in plan.goals],
    }


def _goals_from_payload(items: list[dict[str, Any]]) -> tuple[Goal, ...]:
    return tuple(
        Goal(id=str(g["id"]), text=str(g["text"]), star_domain_key=g.get("domain"),
             actions=tuple(Action(id=str(a["id"]), what=str(a["what"]), who=str(a["who"]),
                                  by_when=date.fromisoformat(a["by_when"]) if a.get("by_when")
                                  else None, status=ActionStatus(a["status"]))
                           for a in g.get("actions", ())))
        for g in items)


class PlanPage(QWidget):
    """Edits a draft Plan value; agreed versions are shown read-only."""

    save_requested = Signal(object)  # Plan
    agree_requested = Signal(object)  # Plan
    print_requested = Signal(object)  # Plan

    def __init__(self, template: StarTemplate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("plan_page")
        self.setAccessibleName("Plan on a page")
        self.template = template
        self._plans: tuple[Plan, ...] = ()
        self._draft: Plan | None = None
        self._saved_payload: dict[str, Any] | None = None
        self._shown: Plan | None = None

        self.version_combo = QComboBox()
        self.version_combo.setObjectName("version_combo")
        self.version_combo.setAccessibleName("Plan version")
        self.state_label = QLabel("")
        self.state_label.setObjectName("state_label")
        self.state_label.setAccessibleName("Plan status")
        self.edits: dict[str, QPlainTextEdit] = {}
        sections = QGridLayout()
        for i, (name, label) in enumerate(_SECTIONS):
            edit = QPlainTextEdit()
            edit.setObjectName(f"{name}_edit")
            edit.setAccessibleName(label)
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(90)
            self.edits[name] = edit
            cell = QVBoxLayout()
            title = QLabel(f"<b>{label}</b>")
            title.setBuddy(edit)
            cell.addWidget(title)
            cell.addWidget(edit)
            sections.addLayout(cell, i // 2, i % 2)

        self.goal_tree = QTreeWidget()
        self.goal_tree.setObjectName("goal_tree")
        self.goal_tree.setAccessibleName("Goals and actions")
        self.goal_tree.setHeaderLabels(["Goal / action", "Star domain / who", "By when", "Status"])
        self.goal_tree.header().setStretchLastSection(False)
        # "By when" fits an overdue date whole ("⚠ overdue, 04 Dec 2026"), at any font size.
        by_when = self.goal_tree.fontMetrics().horizontalAdvance("⚠ overdue, 30 Sep 2026") + 24
        fit_columns_to_headers(self.goal_tree, self.goal_tree.header(), (340, 200, by_when),
                               stretch=3)
        self.goal_tree.setMinimumHeight(160)

        self.goal_edit = QLineEdit()
        self.goal_edit.setObjectName("goal_edit")
        self.goal_edit.setAccessibleName("New goal")
        self.goal_edit.setPlaceholderText("A goal in the family's words")
        self.domain_combo = QComboBox()
        self.domain_combo.setObjectName("domain_combo")
        self.domain_combo.setAccessibleName("Star domain for the goal")
        self.domain_combo.addItem("No star domain", None)
        for domain in template.domains:
            self.domain_combo.addItem(domain.label, domain.key)
        self.add_goal_button = QPushButton("Add &goal")
        self.add_goal_button.setObjectName("add_goal_button")
        self.add_goal_button.setAccessibleName("Add goal")

        self.action_edit = QLineEdit()
        self.action_edit.setObjectName("action_edit")
        self.action_edit.setAccessibleName("New action: what will happen")
        self.action_edit.setPlaceholderText("What will happen")
        self.who_edit = QLineEdit()
        self.who_edit.setObjectName("who_edit")
        self.who_edit.setAccessibleName("Who will do it")
        self.who_edit.setPlaceholderText("Who")
        self.by_when_check = QCheckBox("By")
        self.by_when_check.setObjectName("by_when_check")
        self.by_when_check.setAccessibleName("Has a date")
        self.by_when_edit = QDateEdit(QDate.currentDate().addDays(14))
        self.by_when_edit.setObjectName("by_when_edit")
        self.by_when_edit.setAccessibleName("By when")
        self.by_when_edit.setCalendarPopup(True)
        self.by_when_edit.setDisplayFormat("dd MMM yyyy")
        # A date typed or picked is meant: it ticks "By" (it was silently dropped unless ticked).
        self.by_when_edit.dateChanged.connect(lambda _day: self.by_when_check.setChecked(True))
        self.action_status_combo = QComboBox()
        self.action_status_combo.setObjectName("action_status_combo")
        self.action_status_combo.setAccessibleName("Action status")
        for status in ActionStatus:
            self.action_status_combo.addItem(status.label, status)
        self.add_action_button = QPushButton("Add &action to selected goal")
        self.add_action_button.setObjectName("add_action_button")
        self.add_action_button.setAccessibleName("Add action to the selected goal")
        self.update_action_button = QPushButton("&Update selected action")
        self.update_action_button.setObjectName("update_action_button")
        self.update_action_button.setAccessibleName(
            "Update the selected action with what is typed above")
        self.update_action_button.setEnabled(False)
        self.set_status_button = QPushButton("Set s&tatus of selected action")
        self.set_status_button.setObjectName("set_status_button")
        self.set_status_button.setAccessibleName("Set the status of the selected action")
        self.remove_button = QPushButton("Re&move selected")
        self.remove_button.setObjectName("remove_button")
        self.remove_button.setAccessibleName("Remove the selected goal or action")

        self.message_label = QLabel("")
        self.message_label.setObjectName("message_label")
        self.message_label.setWordWrap(True)
        self.message_label.setAccessibleName("Plan message")
        self.save_button = QPushButton("&Save draft")
        self.save_button.setObjectName("save_button")
        self.save_button.setAccessibleName("Save draft plan")
        self.agree_button = QPushButton("Agree an&d start new version")
        self.agree_button.setObjectName("agree_button")
        self.agree_button.setAccessibleName("Agree and start new version")
        self.print_button = QPushButton("P&rint…")
        self.print_button.setObjectName("print_button")
        self.print_button.setAccessibleName("Print the plan")

        top = QHBoxLayout()
        top.addWidget(QLabel("Version:"))
        top.addWidget(self.version_combo)
        top.addWidget(self.state_label, 1)
        top.addWidget(self.print_button)
        goal_row = QHBoxLayout()
        goal_row.addWidget(self.goal_edit, 3)
        goal_row.addWidget(self.domain_combo, 1)
        goal_row.addWidget(self.add_goal_button)
        action_row = QHBoxLayout()
        action_row.addWidget(self.action_edit, 3)
        action_row.addWidget(self.who_edit, 1)
        action_row.addWidget(self.by_when_check)
        action_row.addWidget(self.by_when_edit)
        action_row.addWidget(self.action_status_combo)
        action_buttons = QHBoxLayout()
        action_buttons.addWidget(self.add_action_button)
        action_buttons.addWidget(self.update_action_button)
        action_buttons.addWidget(self.set_status_button)
        action_buttons.addWidget(self.remove_button)
        action_buttons.addStretch(1)
        goals_box = QGroupBox("Goals and actions")
        goals_layout = QVBoxLayout(goals_box)
        goals_layout.addWidget(self.goal_tree)
        goals_layout.addLayout(goal_row)
        goals_layout.addLayout(action_row)
        goals_layout.addLayout(action_buttons)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message_label, 1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.agree_button)

        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.addLayout(top)
        inner_layout.addLayout(sections)
        inner_layout.addWidget(goals_box)
        inner_layout.addLayout(bottom)
        scroll = QScrollArea()
        scroll.setObjectName("plan_scroll")
        scroll.setAccessibleName("Plan on a page")
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

        self.version_combo.currentIndexChanged.connect(self._on_version)
        self.add_goal_button.clicked.connect(self.add_goal)
        self.goal_edit.returnPressed.connect(self.add_goal)
        self.add_action_button.clicked.connect(self.add_action)
        self.set_status_button.clicked.connect(self.set_action_status)
        self.update_action_button.clicked.connect(self.update_selected_action)
        self.goal_tree.currentItemChanged.connect(self._on_tree_selection)
        self.remove_button.clicked.connect(self.remove_selected)
        self.save_button.clicked.connect(self._request_save)
        self.agree_button.clicked.connect(self._request_agree)
        self.print_button.clicked.connect(self._request_print)

    # ----- data ----------------------------------------------------------------------------

    def show_file(self, file: FamilyFile, *, draft: Plan | None = None) -> None:
        self._plans = file.plans
        current = file.current_plan
        if draft is not None:
            self._draft = draft
        elif current is None:
            self._draft = Plan(id=new_id(), family_id=file.family.id, version=1)
        elif current.is_agreed:
            self._draft = current.revise(new_id=new_id)
        else:
            self._draft = current
        self._saved_payload = _plan_payload(self._draft)
        self.version_combo.blockSignals(True)
        self.version_combo.clear()
        for plan in self._plans:
            if plan.is_agreed:
                self.version_combo.addItem(
                    f"Version {plan.version} (agreed {plan.agreed_on:%d %b %Y})", plan.id)
        self.version_combo.addItem(f"Version {self._draft.version} (draft, being written)",
                                   self._draft.id)
        self.version_combo.setCurrentIndex(self.version_combo.count() - 1)
        self.version_combo.blockSignals(False)
        self._show(self._draft)

    def clear(self) -> None:
        self._plans = ()
        self._draft = None
        self._shown = None
        self.version_combo.clear()
        for edit in self.edits.values():
            edit.clear()
        self.goal_tree.clear()
        self.message_label.setText("")

    @property
    def draft(self) -> Plan | None:
        return self._collect()

    @property
    def editable(self) -> bool:
        return self._shown is not None and self._shown is self._draft

    def _on_version(self, index: int) -> None:
        plan_id = self.version_combo.itemData(index)
        if self._draft is not None and plan_id == self._draft.id:
            self._show(self._draft)
            return
        if self.editable:
            self._draft = self._collect()
        for plan in self._plans:
            if plan.id == plan_id:
                self._show(plan)

    def _show(self, plan: Plan) -> None:
        self._shown = plan
        editable = plan is self._draft
        for name, edit in self.edits.items():
            edit.setPlainText(getattr(plan, name))
            edit.setReadOnly(not editable)
        for widget in (self.goal_edit, self.domain_combo, self.add_goal_button, self.action_edit,
                       self.who_edit, self.by_when_check, self.by_when_edit,
                       self.action_status_combo, self.add_action_button,
                       self.set_status_button, self.remove_button, self.save_button,
                       self.agree_button):
            widget.setEnabled(editable)
        if plan.is_agreed:
            review = f", review due {plan.review_due:%d %b %Y}" if plan.review_due else ""
            self.state_label.setText(f"Agreed with the family on {plan.agreed_on:%d %b %Y}"
                                     f"{review}. Read-only.")
        else:
            self.state_label.setText(f"✎ Draft version {plan.version}: not yet agreed.")
        self._fill_tree(plan)

    def _fill_tree(self, plan: Plan) -> None:
        labels = {d.key: d.label for d in self.template.domains}
        self.goal_tree.clear()
        for goal in plan.goals:
            item = QTreeWidgetItem([goal.text, labels.get(goal.star_domain_key or "", "—"), "",
                                    ""])
            item.setData(0, Qt.ItemDataRole.UserRole, ("goal", goal.id))
            for action in goal.actions:
                child = QTreeWidgetItem([action.what, action.who, _by_when_text(action),
                                         action.status.label])
                child.setData(0, Qt.ItemDataRole.UserRole, ("action", action.id))
                item.addChild(child)
            self.goal_tree.addTopLevelItem(item)
        self.goal_tree.expandAll()

    def _collect(self) -> Plan | None:
        """The draft with whatever is typed in the boxes now."""
        if self._draft is None:
            return None
        if self._shown is not self._draft:
            return self._draft
        texts = {name: edit.toPlainText() for name, edit in self.edits.items()}
        try:
            self._draft = self._draft.edit(**texts)
        except ValidationError as error:
            self.message_label.setText(str(error))
        self._shown = self._draft
        return self._draft

    def _replace_goals(self, goals: tuple[Goal, ...]) -> None:
        plan = self._collect()
        if plan is None:
            return
        selected = self._selected()
        self._draft = plan.edit(goals=goals)
        self._shown = self._draft
        self._fill_tree(self._draft)
        if selected is not None:  # the goal stays selected for its next action
            self._select(selected)

    def _select(self, wanted: tuple[str, str]) -> None:
        for index in range(self.goal_tree.topLevelItemCount()):
            goal = self.goal_tree.topLevelItem(index)
            if goal is None:
                continue
            for item in (goal, *(goal.child(i) for i in range(goal.childCount()))):
                if item is None:
                    continue
                data = item.data(0, Qt.ItemDataRole.UserRole)
                if data and (str(data[0]), str(data[1])) == wanted:
                    self.goal_tree.setCurrentItem(item)
                    return

    def _selected(self) -> tuple[str, str] | None:
        item = self.goal_tree.currentItem()
        if item is None:
            return None
        data = item.data(0, Qt.ItemDataRole.UserRole)
        return (str(data[0]), str(data[1])) if data else None

    def add_goal(self) -> None:
        if not self.editable or self._draft is None:
            return
        try:
            goal = Goal(id=new_id(), text=self.goal_edit.text(),
                        star_domain_key=self.domain_combo.currentData())
        except ValidationError as error:
            self.message_label.setText(str(error))
            return
        self._replace_goals((*self._draft.goals, goal))
        self.goal_edit.clear()
        self.message_label.setText("")
        last = self.goal_tree.topLevelItem(self.goal_tree.topLevelItemCount() - 1)
        if last is not None:
            self.goal_tree.setCurrentItem(last)

    def add_action(self) -> None:
        if not self.editable or self._draft is None:
            return
        selected = self._selected()
        if selected is None:
            self.message_label.setText("Select the goal this action belongs to first.")
            return
        goal_id = selected[1]
        if selected[0] == "action":
            goal_id = next(g.id for g in self._draft.goals
                           if any(a.id == selected[1] for a in g.actions))
        try:
            action = Action(id=new_id(), what=self.action_edit.text(), who=self.who_edit.text(),
                            by_when=self.by_when_edit.date().toPython()  # type: ignore[arg-type]
                            if self.by_when_check.isChecked() else None,
                            status=ActionStatus(self.action_status_combo.currentData()))
        except ValidationError as error:
            self.message_label.setText(str(error))
            return
        goals = tuple(replace(g, actions=(*g.actions, action)) if g.id == goal_id else g
                      for g in self._draft.goals)
        self._replace_goals(goals)
        self.action_edit.clear()
        self.who_edit.clear()
        self.message_label.setText("")

    def _action_by_id(self, action_id: str) -> Action | None:
        if self._draft is None:
            return None
        return next((a for g in self._draft.goals for a in g.actions if a.id == action_id),
                    None)

    def _on_tree_selection(self, *_items: object) -> None:
        """Selecting an action puts it in the boxes below, to change and Update."""
        selected = self._selected()
        action = self._action_by_id(selected[1]) if selected and selected[0] == "action" \
            else None
        self.update_action_button.setEnabled(action is not None and self.editable)
        if action is None:
            return
        self.action_edit.setText(action.what)
        self.who_edit.setText(action.who)
        if action.by_when is not None:
            self.by_when_edit.setDate(to_qdate(action.by_when))  # ticks "By"
        self.by_when_check.setChecked(action.by_when is not None)
        self.action_status_combo.setCurrentIndex(
            self.action_status_combo.findData(action.status))

    def update_selected_action(self) -> None:
        selected = self._selected()
        if not self.editable or self._draft is None or selected is None \
                or selected[0] != "action":
            self.message_label.setText("Select an action first.")
            return
        try:
            changed = Action(id=selected[1], what=self.action_edit.text(),
                             who=self.who_edit.text(),
                             by_when=from_qdate(self.by_when_edit.date())
                             if self.by_when_check.isChecked() else None,
                             status=ActionStatus(self.action_status_combo.currentData()))
        except ValidationError as error:
            self.message_label.setText(str(error))
            return
        goals = tuple(replace(g, actions=tuple(changed if a.id == changed.id else a
                                               for a in g.actions))
                      for g in self._draft.goals)
        self._replace_goals(goals)
        self.message_label.setText("Action updated (not saved yet).")

    def set_action_status(self) -> None:
        selected = self._selected()
        if self._draft is None or selected is None or selected[0] != "action":
            self.message_label.setText("Select an action first.")
            return
        status = ActionStatus(self.action_status_combo.currentData())
        goals = tuple(replace(g, actions=tuple(replace(a, status=status)
                                               if a.id == selected[1] else a
                                               for a in g.actions))
                      for g in self._draft.goals)
        self._replace_goals(goals)

    def remove_selected(self) -> None:
        selected = self._selected()
        if self._draft is None or selected is None:
            return
        kind, item_id = selected
        if kind == "goal":
            goals = tuple(g for g in self._draft.goals if g.id != item_id)
        else:
            goals = tuple(replace(g, actions=tuple(a for a in g.actions if a.id != item_id))
                          for g in self._draft.goals)
        self._replace_goals(goals)

    # ----- requests ------------------------------------------------------------------------

    def _request_save(self) -> None:
        plan = self._collect()
        if plan is not None:
            self.save_requested.emit(plan)

    def _request_agree(self) -> None:
        """Agreeing fixes this version for good (changes go in the next): asked first."""
        plan = self._collect()
        if plan is not None:
            self.confirm_box = ask_to_confirm(
                self, title=f"Agree version {plan.version}?",
                text="Once agreed with the family this version cannot be changed; a new draft "
                     "version starts for later changes.",
                confirm_label="&Agree", on_confirm=lambda: self.agree_requested.emit(plan))

    def _request_print(self) -> None:
        plan = self._collect() if self.editable else self._shown
        if plan is not None:
            self.print_requested.emit(plan)

    def show_message(self, message: str) -> None:
        self.message_label.setText(message)

    # ----- drafts --------------------------------------------------------------------------

    def draft_payload(self) -> dict[str, Any] | None:
        plan = self._collect()
        if plan is None:
            return None
        payload = _plan_payload(plan)
        return None if payload == self._saved_payload else payload

    def mark_saved(self) -> None:
        if self._draft is not None:
            self._saved_payload = _plan_payload(self._draft)

    def restore_draft(self, payload: dict[str, Any]) -> None:
        """Re-apply kept plan text when it belongs to the draft being shown."""
        if self._draft is None or payload.get("plan_id") != self._draft.id:
            return
        try:
            self._draft = self._draft.edit(
                **{name: str(payload.get(name, "")) for name, _ in _SECTIONS},
                goals=_goals_from_payload(list(payload.get("goals", []))))
        except (ValidationError, KeyError, ValueError):
            return
        self._show(self._draft)
        self.message_label.setText("Restored the plan changes you had not saved.")


def _by_when_text(action: Action) -> str:
    """The action's date, flagged when it has passed and the action is still open."""
    if action.by_when is None:
        return "—"
    text = f"{action.by_when:%d %b %Y}"
    if action.by_when < date.today() and action.status in (ActionStatus.NOT_STARTED,
                                                           ActionStatus.IN_PROGRESS):
        return f"⚠ overdue, {text}"
    return text
