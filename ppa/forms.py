"""Forms of the PPA drafting pages. They only shape input: the rules (SERAFIN codes, dates, who may agree,
frozen versions) are the services' (``ppa.services.redaction``), whose errors the views put back on the form."""

from django import forms

from core.enums import AccountKind
from core.models import User
from ppa import selectors
from ppa.enums import ModeAccordPpa

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _textarea(rows=3, **attrs):
    return forms.Textarea(attrs={"rows": rows, **attrs})


def professionnels(dossier):
    """Active professionals of the dossier's dispositif (référents, responsables), by name."""
    return (
        User.objects.filter(
            organisme_id=dossier.organisme_id,
            kind=AccountKind.PROFESSIONNEL,
            is_active=True,
            affectations__dispositif_id=dossier.dispositif_id,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


class ProfessionnelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.email


def _serafin_select(famille: str, multiple: bool):
    attrs = {"data-serafin": famille, "class": "serafin-select"}
    if multiple:
        attrs["size"] = 8
        return forms.SelectMultiple(attrs=attrs)
    return forms.Select(attrs=attrs)


class VersionForm(forms.Form):
    """The content of a draft: attentes (separately), besoins, synthèse, dates; the motif of an avenant."""

    motif = forms.CharField(label="Motif de l'avenant", widget=_textarea(2), required=False)
    attentes_jeune = forms.CharField(
        label="Attentes du jeune", widget=_textarea(4), required=False,
        help_text="Dans ses mots, tels qu'il les a exprimés.",
    )  # fmt: skip
    attentes_famille = forms.CharField(
        label="Attentes de la famille", widget=_textarea(4), required=False,
        help_text="Dans leurs mots (représentants légaux, parents).",
    )  # fmt: skip
    besoins = forms.MultipleChoiceField(
        label="Besoins repérés (SERAFIN-PH 1.x)", required=False, widget=_serafin_select("besoin", True),
        help_text="Recherchez par code ou par mots ; plusieurs choix possibles.",
    )  # fmt: skip
    synthese = forms.CharField(label="Synthèse de l'équipe", widget=_textarea(5), required=False)
    date_debut = forms.DateField(label="Début de mise en œuvre", required=False, widget=DATE)
    date_fin = forms.DateField(label="Fin prévue", required=False, widget=DATE)
    date_revision = forms.DateField(label="Révision prévue le", required=False, widget=DATE)

    def __init__(self, *args, avenant: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["besoins"].choices = selectors.serafin_choices("besoin")
        if avenant:
            self.fields["motif"].required = True
        else:
            del self.fields["motif"]


class ObjectifForm(forms.Form):
    titre = forms.CharField(label="Titre de l'objectif", max_length=200)
    besoin_code = forms.ChoiceField(
        label="Besoin SERAFIN-PH auquel répond l'objectif (1.x)", widget=_serafin_select("besoin", False)
    )
    prestations = forms.MultipleChoiceField(
        label="Prestations qui y répondent (SERAFIN-PH 2.x)", required=False,
        widget=_serafin_select("prestation", True),
    )  # fmt: skip
    description = forms.CharField(label="Description", widget=_textarea(3), required=False)
    resultat_attendu = forms.CharField(label="Résultat attendu", widget=_textarea(2), required=False)
    referent = ProfessionnelChoiceField(label="Référent de l'objectif", queryset=User.objects.none(), required=False)
    date_debut = forms.DateField(label="Début", required=False, widget=DATE)
    date_fin = forms.DateField(label="Échéance", required=False, widget=DATE)
    avis_jeune = forms.CharField(label="Avis du jeune", widget=_textarea(2), required=False)
    phrase_falc = forms.CharField(
        label="Phrase en facile à lire", max_length=300, required=False,
        help_text="Une phrase courte et simple pour le jeune (version FALC du PPA).",
    )  # fmt: skip

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["besoin_code"].choices = selectors.serafin_choices("besoin", empty="— Choisir un besoin —")
        self.fields["prestations"].choices = selectors.serafin_choices("prestation")
        self.fields["referent"].queryset = professionnels(dossier)


class ActionForm(forms.Form):
    libelle = forms.CharField(label="Action", max_length=300)
    moyens = forms.CharField(label="Moyens", widget=_textarea(2), required=False)
    responsable = ProfessionnelChoiceField(label="Responsable", queryset=User.objects.none(), required=False)
    frequence = forms.CharField(label="Fréquence", max_length=100, required=False,
                                help_text="Par exemple : chaque lundi, deux fois par mois.")  # fmt: skip

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsable"].queryset = professionnels(dossier)


class AccordForm(forms.Form):
    """Who agrees and how. ``signature`` is the path data drawn on the pad (filled by ``static/ppa/signature.js``);
    ``fichier`` the scanned paper."""

    signataire = forms.ChoiceField(label="Qui donne son accord ?", widget=forms.RadioSelect)
    mode = forms.ChoiceField(label="Forme de l'accord", choices=ModeAccordPpa.choices, widget=forms.RadioSelect)
    date = forms.DateField(label="Date", widget=DATE)
    signature = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-signature-valeur": ""}))
    fichier = forms.FileField(label="Signature papier numérisée (PDF ou image)", required=False)
    commentaire = forms.CharField(
        label="Commentaire", widget=_textarea(3), required=False,
        help_text="Obligatoire en cas de refus : le motif, dans les mots de la personne si possible.",
    )  # fmt: skip

    def __init__(self, *args, attendus, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signataire"].choices = [
            (a.cle, f"{a.nom}{' (le jeune)' if not a.proche else ' — représentant légal'}") for a in attendus
        ]
        self.attendus = {a.cle: a for a in attendus}


class AvenantForm(forms.Form):
    motif = forms.CharField(
        label="Motif de l'avenant", widget=_textarea(3),
        help_text="Par exemple : changement de modalité, demande du jeune, nouvelle orientation scolaire.",
    )  # fmt: skip


class ClotureForm(forms.Form):
    date = forms.DateField(label="Date de clôture", widget=DATE)


class ComparerForm(forms.Form):
    de = forms.TypedChoiceField(label="Version de départ", coerce=int)
    a = forms.TypedChoiceField(label="Version comparée", coerce=int)

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(v.pk, f"Version {v.numero} — {v.get_type_display()} — {v.get_statut_display()}") for v in versions]
        self.fields["de"].choices = choices
        self.fields["a"].choices = choices
