"""French words the generated exports are made of (clients, people, subjects, comments).

A few subjects and comments hold ``;`` or ``"`` on purpose so that the CSV quoting is
exercised at scale; one comment holds ``€``, which ISO-8859-1 cannot encode (Redmine
writes ``?`` in its place, as the writer does).
"""

from __future__ import annotations

ORGANISATIONS = (
    "Mairie de", "Communauté de communes de", "Syndicat des eaux de", "Office de tourisme de",
    "Comptoir de", "Musée de", "Médiathèque de", "Centre hospitalier de", "Lycée de",
    "Chambre d'agriculture de",
)  # fmt: skip
PLACES = (
    "Valbonne", "Saint-Aubin", "Montrésor", "La Gâtine", "Bastides", "Pont-l'Évêque",
    "Beaulieu", "Châteauneuf", "Villefranche", "Mirebeau", "Saint-Étienne-du-Bois",
    "Rochefort", "Montbrison", "Aigues-Vives", "Sainte-Énimie",
)  # fmt: skip
APPLICATIONS = (
    "Site internet", "Extranet agents", "Portail famille", "Espace abonnés", "Boutique en ligne",
    "Intranet", "Application mobile", "Portail des élus", "Démarches en ligne", "Réservations",
)  # fmt: skip
FIRST_NAMES = (
    "Camille", "Julien", "Sophie", "Thomas", "Léa", "Nicolas", "Chloé", "Antoine", "Manon",
    "Hugo", "Inès", "Mathieu", "Émilie", "Lucas", "Sarah", "Maxime", "Pauline", "Romain",
    "Élodie", "Quentin",
)  # fmt: skip
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Girard", "Roux", "Fournier",
    "Morel", "Gauthier", "Chevalier", "Lambert", "Bonnet", "François", "Mercier",
)  # fmt: skip
ACTIVITIES = (
    "Développement",
    "Analyse",
    "Tests",
    "Déploiement",
    "Support",
    "Réunion",
    "Conception",
)
#: (tracker, kind share of the non-management tickets)
TRACKERS = (("Anomalie", 0.46), ("Evolution", 0.26), ("Support", 0.22), ("Maintenance", 0.06))
MANAGEMENT_TRACKER = "Gestion de projet"
SUBJECTS = (
    "Erreur 500 : {a}",
    "Lenteur : {a}",
    "Affichage cassé sur mobile : {a}",
    "Ajout d'un champ : {a}",
    "Export CSV : {a}",
    "Mise à jour de sécurité ; {a}",
    'Libellé "Valider" absent : {a}',
    "Traduction anglaise : {a}",
    "Droits d'accès : {a}",
    "Accessibilité RGAA : {a}",
    "Refonte : {a}",
    "Question : {a}",
)
AREAS = (
    "agenda", "actualités", "formulaire de contact", "newsletter", "panier", "compte client",
    "paiement en ligne", "recherche", "plan interactif", "espace abonné", "statistiques",
    "page d'accueil", "back-office", "notifications", "réservation de salles", "tableau de bord",
)  # fmt: skip
COMMENTS = (
    "",
    "",
    "Analyse du problème",
    "Correctif et tests",
    "Recette avec le client",
    "Mise en production",
    "Point hebdomadaire ; suivi",
    'Relecture "revue de code"',
    "Échanges avec l'équipe du client",
    "Estimation",
    "Devis à 1 200 € envoyé",
    "Documentation",
)
STATUSES_OPEN = ("Nouveau", "En cours", "En attente client")
PRIORITIES = ("Immédiat", "Urgent", "Haut", "Normal", "Bas")
