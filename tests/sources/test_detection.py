"""The detection table: every signature is reachable, every tool choice exists."""

from __future__ import annotations

import csv

import pytest

from tma_metrics.sources import SOURCE_CHOICES
from tma_metrics.sources.adapters import ADAPTERS
from tma_metrics.sources.detect import cleaned, detect, pick_header

SIGNATURES = [(a, s) for a in ADAPTERS for s in a.signatures]

#: Header lines of real exports, typed by hand from the tools' files and code (see
#: ../shared/FORMATS.md): (separator, header line, adapter id, variant).
#: Long headers keep their first columns and the ones detection relies on.
EXPORT_HEADERS = {
    "redmine-timelog-en": (
        ",", "\ufeffDate,User,Activity,Issue,Comment,Hours", "redmine", "timelog",
    ),
    "redmine-timelog-fr": (
        ";", "Date;Utilisateur;Activité;Demande;Commentaire;Heures", "redmine", "timelog",
    ),
    "redmine-issues-en": (
        ",", "#,Tracker,Status,Priority,Subject,Assignee,Updated", "redmine", "issues",
    ),
    "redmine-issues-fr": (
        ";", "#;Tracker;Statut;Priorité;Sujet;Assigné à;Mis-à-jour", "redmine", "issues",
    ),
    "jira-dc-en": (
        ",",
        "Summary,Issue key,Issue id,Parent id,Issue Type,Status,Project key,Project name,"
        "Priority,Resolution,Assignee,Reporter,Created,Updated,Resolved,Due Date,"
        "Original Estimate,Remaining Estimate,Time Spent",
        "jira", "issues",
    ),
    "jira-cloud-current-en": (
        ",",
        "\ufeffIssue Type,Summary,Assignee,Assignee Id,Status,Σ Original Estimate,"
        "Σ Time Spent,Updated",
        "jira", "issues",
    ),
    "jira-cloud-fr": (
        ",",
        "Résumé,Clé de ticket,Type de ticket,État,Priorité,Rapporteur,Durée(mn),Création,"
        "Description,Champs personnalisés (Action menée),Canal,Entreprise",
        "jira", "issues",
    ),
    "jira-worklog-app": (
        ",",
        '"Author","Summary","Work description","Issue","Project","Started",'
        '"Time spent seconds","Time spent"',
        "jira-worklog", "app",
    ),
    "tempo-en": (
        ",",
        "Issue Key,Issue summary,Hours,Work date,Username,Full name,Period,Account Key,"
        "Account Name,Activity Name,Issue Type,Issue Status,Project Key,Project Name",
        "tempo", "tempo",
    ),
    "glpi-tickets-en": (
        ";",
        '\ufeff"ID";"Title";"Opening Date";"Closing Date";"Resolution Date";'
        '"Requester - Requester";"Assigned To - Technician";"Priority";"Status";',
        "glpi", "tickets",
    ),
    "glpi-tickets-fr": (
        ";",
        '"ID";"Titre";"Statut";"Dernière modification";"Date d\'ouverture";"Priorité";'
        '"Demandeur - Demandeur";"Attribué à - Technicien";"Catégorie";"TTR"',
        "glpi", "tickets",
    ),
    "glpi-computers-fr": (
        ";",
        '\ufeff"Nom";"Entité";"Lieu";"Statut";"Fabricant";"Type";"Modèle";"Réseau";'
        '"Date de création";"Numéro de série";"Numéro d\'inventaire";',
        "glpi", "assets",
    ),
    "zendesk-en": (
        ",",
        "Id,Requester id,Group,Status,Priority,Via,Created at,Updated at,Assigned at,"
        "Initially assigned at,Solved at,Resolution time,Satisfaction Score,Reopens,Replies",
        "zendesk", "tickets",
    ),
    "mantis-en": (
        ",",
        "\ufeffId,Project,Reporter,Assigned To,Priority,Severity,Reproducibility,"
        "Product Version,Category,Date Submitted,OS,OS Version,Platform,View Status,"
        "Updated,Summary,Status,Resolution,Fixed in Version",
        "mantis", "issues",
    ),
    "mantis-fr-2.0": (
        ",",
        "\ufeffIdentifiant,Projet,Rapporteur,Assigné à,Priorité,Impact,Reproductibilité,"
        "Version du produit,Catégorie,Date de soumission,OS,Version de l'OS,Plate-forme,"
        "Visibilité,Mis à jour,Résumé,Statut,Résolution,Résolu dans la version",
        "mantis", "issues",
    ),
    "mantis-fr-2.25": (
        ",",
        "\ufeffIdentifiant,Projet,Rapporteur,Assigné à,Priorité,Sévérité,Reproductibilité,"
        "Version du produit,Catégorie,Date de soumission,Système d’exploitation,"
        "Version du système d’exploitation,Plateforme,Visibilité,Mis à jour,Résumé,État,"
        "Résolution,Résolue dans la version",
        "mantis", "issues",
    ),
    "gitlab-en": (
        ",",
        "Title,Description,Issue ID,URL,State,Author,Author Username,Assignee,"
        "Assignee Username,Confidential,Locked,Due Date,Created At (UTC),Updated At (UTC),"
        "Closed At (UTC),Milestone,Weight,Labels,Time Estimate,Time Spent",
        "gitlab", "issues",
    ),
    "kimai-en": (
        ",",
        "Date,From,To,Duration,Currency,Price,Internal price,Hourly price,Fixed price,Name,"
        "User,E-mail,Staff number,Customer,Project,Activity,Description,Billable,Tags,Type",
        "kimai", "timesheet",
    ),
    "kimai-fr": (
        ",",
        "Date,De,À,Durée,Devise,Taux,Taux interne,Taux horaire,Taux fixe,Nom,"
        "Nom d'utilisateur,Courriel,Numéro d'équipe,Client,Projet,Activité,Description,"
        "Facturable,Mots-clés,Type",
        "kimai", "timesheet",
    ),
    "harvest-en": (
        ",",
        "Date,Client,Project,Project Code,Task,Notes,Hours,Billable?,Invoiced?,Approved?,"
        "First Name,Last Name,Employee Id,Roles,Employee?,Billable Rate,Billable Amount,"
        "Cost Rate,Cost Amount,Currency,External Reference URL",
        "harvest", "detailed",
    ),
    "clockify-en": (
        ",",
        '"Project","Client","Description","Task","User","Group","Email","Tags","Billable",'
        '"Start Date","Start Time","End Date","End Time","Duration (h)","Duration (decimal)",'
        '"Billable Rate (USD)","Billable Amount (USD)","Date of creation"',
        "clockify", "detailed",
    ),
    # Collisions: headers that also hold another tool's signature.
    # The worklog app's full export carries `Issue type`, `Summary`, `Time spent`: Jira's.
    "jira-worklog-app-full": (
        ",",
        '\ufeff"Worklog id","Author","Summary","Work description","Issue","Parent","Epic",'
        '"Project","Started","Assignee","Labels","Priority","Resolution","Reporter",'
        '"Status","Issue type","Sprint","Time spent"',
        "jira-worklog", "app",
    ),
}  # fmt: skip


@pytest.mark.parametrize(
    ("separator", "line", "adapter", "variant"),
    EXPORT_HEADERS.values(),
    ids=EXPORT_HEADERS.keys(),
)
def test_a_real_export_header_is_detected_as_its_tool(
    separator: str, line: str, adapter: str, variant: str
) -> None:
    records = list(csv.reader([line], delimiter=separator))
    index, found = pick_header(records)
    assert index == 0 and found is not None
    assert (found.adapter.id, found.signature.variant) == (adapter, variant)


#: Headers that also hold a rival's signature: the rival must really match (else the case
#: no longer tests a collision) and must lose.
COLLISIONS = {
    "redmine-issues-fr": "canonical",  # `#`, `Statut`, `Priorité`: ties, the tool wins
    "redmine-timelog-fr": "canonical",  # `Date`, `Heures`
    "tempo-en": "jira",  # `Issue Key`, `Issue Type`
    "jira-worklog-app-full": "jira",  # `Issue type`, `Summary`, `Time spent`
    "kimai-fr": "canonical",  # `Date`, `Durée`
    "harvest-en": "canonical",  # `Date`, `Hours`
}


@pytest.mark.parametrize(("case", "rival"), COLLISIONS.items(), ids=COLLISIONS.keys())
def test_a_colliding_header_goes_to_its_own_tool(case: str, rival: str) -> None:
    separator, line, adapter, variant = EXPORT_HEADERS[case]
    header = cleaned(next(csv.reader([line], delimiter=separator)))
    rival_match = detect(header, rival)
    assert rival_match is not None and rival_match.adapter.id == rival
    found = detect(header)
    assert found is not None
    assert (found.adapter.id, found.signature.variant) == (adapter, variant)


def test_every_tool_choice_has_a_signature() -> None:
    choices = {s.choice or a.id for a, s in SIGNATURES}
    assert choices == set(SOURCE_CHOICES) - {"auto"}


@pytest.mark.parametrize(
    ("header", "adapter"),
    [
        (["Date", "User", "Activity", "Issue", "Comment", "Hours"], "redmine"),
        (["Date", "Personne", "Heures", "Demande"], "canonical"),
        (["Issue key", "Summary", "Status"], "jira"),
        (["Issue Key", "Hours", "Work date"], "tempo"),
        (["Issue", "Author", "Started", "Time spent"], "jira-worklog"),
        (["ID", "Titre", "Date d'ouverture"], "glpi"),
        (["Date", "From", "To", "Duration"], "kimai"),
        (["Date", "Client", "Project", "Task", "Notes", "Hours"], "harvest"),
        (["Start Date", "Start Time", "Duration (h)"], "clockify"),
        (["Issue ID", "URL", "Created At (UTC)"], "gitlab"),
        (["Id", "Created at", "Solved at"], "zendesk"),
        (["Id", "Reporter", "Date Submitted", "View Status"], "mantis"),
        (["Clé", "Titre", "Créé le"], "canonical"),
    ],
    ids=lambda v: v if isinstance(v, str) else "+".join(v)[:30],
)
def test_headers_go_to_the_right_adapter(header: list[str], adapter: str) -> None:
    found = detect(header)
    assert found is not None and found.adapter.id == adapter


def test_the_header_is_searched_below_a_title_block() -> None:
    records = [["Relevé", "", ""], ["", "", ""], ["Date", "Utilisateur", "Heures"], ["1", "Z", "2"]]
    index, found = pick_header(records)
    assert index == 2 and found is not None and found.adapter.id == "redmine"
