"""French wording of the demo: ticket titles, descriptions and time-entry comments.

Titles are built from a template and an application area of the client's domain
(a town hall's website, an online shop, a water utility's customer portal). A few
templates hold ``;``, ``,`` or ``"`` on purpose, so the writers' quoting is exercised.
"""

from __future__ import annotations

import numpy as np

from tma_metrics.domain.model import Kind

__all__ = [
    "ACTIVITIES",
    "AREAS",
    "COMMENTS",
    "DESCRIPTIONS",
    "JIRA_COMMENTS",
    "TITLES",
    "activities",
    "comments",
    "contract_articles",
    "pick",
    "titles",
]

AREAS: dict[str, tuple[str, ...]] = {
    "alpha": (
        "l'agenda",
        "les actualités",
        "les démarches en ligne",
        "l'annuaire des associations",
        "les inscriptions périscolaires",
        "le paiement de la cantine",
        "le plan interactif",
        "la newsletter",
        "le formulaire de contact",
        "la réservation de salles",
        "le portail famille",
        "l'espace agents",
        "les délibérations du conseil",
    ),
    "beta": (
        "le tunnel de commande",
        "la fiche produit",
        "le panier",
        "les pages catégories",
        "le moteur de recherche",
        "le compte client",
        "le paiement CB",
        "les codes promo",
        "le flux Google Shopping",
        "le back-office commandes",
        "la synchronisation ERP",
        "les e-mails transactionnels",
        "les retours produits",
        "la livraison Colissimo",
    ),
    "gamma": (
        "l'espace abonné",
        "le paiement en ligne des factures",
        "la saisie de relevé de compteur",
        "la demande de branchement",
        "le prélèvement automatique",
        "la carte des travaux",
        "les alertes SMS de coupure",
        "le formulaire de réclamation",
        "la mensualisation",
        "les actualités",
    ),
}

TITLES: dict[str, tuple[str, ...]] = {
    Kind.CORRECTIVE: (
        "Erreur 500 sur {a}",
        "Affichage cassé sur mobile pour {a}",
        "Le formulaire ne s'envoie plus dans {a}",
        "Lien mort dans {a}",
        "Export CSV incomplet dans {a}",
        "Lenteurs importantes sur {a}",
        "Accents mal affichés dans {a}",
        "Tri par date incorrect dans {a}",
        'Bouton "Valider" inactif dans {a}',
        "Droits d'accès incorrects sur {a} ; utilisateurs bloqués",
        "Images non redimensionnées dans {a}",
        "Doublons après import dans {a}",
        "Message d'erreur incompréhensible, {a} inutilisable",
    ),
    Kind.EVOLUTIVE: (
        "Ajout d'un filtre par date dans {a}",
        "Nouveau gabarit de page pour {a}",
        'Ajout d\'un champ "Commentaire" dans {a}',
        "Refonte de l'écran de {a}",
        "Import automatique des données de {a}",
        "Ajout d'un export Excel pour {a}",
        "Amélioration de l'accessibilité (RGAA) de {a}",
        "Nouvelle règle de gestion pour {a}",
        "Notifications par e-mail pour {a}",
        "Ajout de statistiques de fréquentation, {a}",
    ),
    Kind.SUPPORT: (
        "Question sur la mise à jour de {a}",
        "Création d'un compte contributeur pour {a}",
        "Réinitialisation de mot de passe ({a})",
        "Aide à la publication dans {a}",
        "Demande d'extraction de données de {a}",
        "Comment modifier le menu de {a} ?",
    ),
    Kind.PREVENTIVE: (
        "Mise à jour de sécurité du CMS",
        "Mise à jour mensuelle des modules",
        "Renouvellement du certificat TLS",
        "Vérification des sauvegardes et test de restauration",
        "Audit de performance de {a}",
        "Mise à jour des dépendances JavaScript",
        "Correctif de sécurité sur {a}",
    ),
}

DESCRIPTIONS = (
    "",
    "Constaté ce matin par le service.",
    "Bonjour,\n\nVoir la capture jointe. Merci de regarder rapidement.",
    "Étapes :\n1. se connecter\n2. ouvrir la page\n3. valider\n\nRésultat : erreur.",
    "Demande remontée par plusieurs usagers.",
    "Suite à notre échange téléphonique, voici la demande détaillée.",
)

COMMENTS: dict[str, tuple[str, ...]] = {
    "Développement": (
        "Correctif",
        "Développement",
        "Analyse du problème et correction",
        "Développement et tests unitaires",
        "Reprise suite aux retours de recette",
        "",
    ),
    "Conception": ("Analyse et chiffrage", "Spécification", "Étude d'impact", "Qualification"),
    "Recette": ("Recette en préproduction", "Tests de non-régression", "Livraison en production"),
    "Support": ("Réponse au client", "Assistance téléphonique", "Qualification de la demande", ""),
    "Gestion de projet": (
        "Point hebdomadaire TMA",
        "Suivi des demandes",
        "Mise à jour des indicateurs",
        "Arbitrage des priorités avec le client",
    ),
}

#: Activity mix of each ticket kind: (activity, probability).
ACTIVITIES: dict[str, tuple[tuple[str, float], ...]] = {
    Kind.CORRECTIVE: (
        ("Développement", 0.6),
        ("Recette", 0.2),
        ("Conception", 0.1),
        ("Support", 0.1),
    ),
    Kind.EVOLUTIVE: (("Développement", 0.55), ("Conception", 0.25), ("Recette", 0.2)),
    Kind.SUPPORT: (("Support", 0.9), ("Développement", 0.1)),
    Kind.PREVENTIVE: (("Développement", 0.7), ("Recette", 0.3)),
    Kind.MANAGEMENT: (("Gestion de projet", 1.0),),
}

JIRA_COMMENTS = (
    "Correctif livré en préproduction, merci de valider.",
    "Bonjour,\n\nNous avons reproduit le problème. Correction en cours.",
    "Chiffrage envoyé : merci de nous confirmer votre accord.",
    "Validé en préproduction, OK pour la mise en production.",
    "Pouvez-vous nous préciser le navigateur utilisé ?",
)


def titles(code: str, kinds: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Invent one title per ticket, from the templates of its kind and the client's areas."""
    areas = AREAS[code]
    area_pick = rng.integers(0, len(areas), size=len(kinds))
    template_pick = rng.random(len(kinds))
    out = []
    for kind, area, pick in zip(kinds, area_pick, template_pick, strict=True):
        templates = TITLES[kind]
        out.append(contract_articles(templates[int(pick * len(templates))].format(a=areas[area])))
    return out


def contract_articles(text: str) -> str:
    """Apply French contractions after a template is filled (« de le » becomes « du »).

    >>> contract_articles("Question sur la mise à jour de le panier et de les codes")
    'Question sur la mise à jour du panier et des codes'
    """
    for loose, tight in (
        (" de le ", " du "),
        (" de les ", " des "),
        (" à le ", " au "),
        (" à les ", " aux "),
    ):
        text = text.replace(loose, tight)
    return text


def pick(choices: tuple[str, ...], size: int, rng: np.random.Generator) -> np.ndarray:
    """Pick ``size`` values uniformly from ``choices`` (as an object array)."""
    return np.array(choices, dtype=object)[rng.integers(0, len(choices), size=size)]


def activities(kinds: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Draw one activity per time entry from the mix of its ticket's kind."""
    out = np.empty(len(kinds), dtype=object)
    for kind, mix in ACTIVITIES.items():
        mask = kinds == kind
        labels = np.array([label for label, _ in mix], dtype=object)
        weights = np.array([w for _, w in mix])
        out[mask] = rng.choice(labels, size=int(mask.sum()), p=weights / weights.sum())
    return out


def comments(activity: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Draw one short comment per time entry, matching its activity."""
    out = np.empty(len(activity), dtype=object)
    for label, options in COMMENTS.items():
        mask = activity == label
        out[mask] = pick(options, int(mask.sum()), rng)
    return out
