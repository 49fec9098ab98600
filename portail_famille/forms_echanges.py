"""Forms of the portal exchanges (messages, questionnaires, complaints and suggestions)."""

from django import forms

from portail_famille.enums import PublicQuestionnaire, TypeQuestion, TypeReclamation


class NouveauFilForm(forms.Form):
    jeune = forms.TypedChoiceField(label="Ce message concerne", coerce=int)
    sujet = forms.CharField(label="Sujet", max_length=200)
    texte = forms.CharField(label="Votre message", widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)

    def __init__(self, *args, acces_list=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jeune"].choices = [(a.jeune_id, a.jeune.prenom) for a in acces_list]
        if len(self.fields["jeune"].choices) == 1:
            self.fields["jeune"].widget = forms.HiddenInput()
            self.fields["jeune"].initial = self.fields["jeune"].choices[0][0]


class MessageForm(forms.Form):
    texte = forms.CharField(label="Votre réponse", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class BoiteFiltreForm(forms.Form):
    mes_jeunes = forms.BooleanField(label="Mes jeunes (référent)", required=False)
    non_lus = forms.BooleanField(label="Non lus seulement", required=False)
    statut = forms.ChoiceField(
        label="État",
        required=False,
        choices=[("", "Tous"), ("ouverts", "En cours"), ("clos", "Clos")],
    )


class QuestionnaireForm(forms.Form):
    dispositif = forms.TypedChoiceField(label="Dispositif", coerce=int)
    titre = forms.CharField(label="Titre", max_length=200)
    introduction = forms.CharField(
        label="Introduction", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Quelques mots pour expliquer le questionnaire aux familles et aux jeunes.",
    )  # fmt: skip
    public = forms.ChoiceField(label="Public", choices=PublicQuestionnaire.choices)
    seuil_anonymat = forms.IntegerField(
        label="Nombre minimal de réponses pour afficher les résultats", min_value=1, max_value=100, initial=5,
    )  # fmt: skip

    def __init__(self, *args, dispositifs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispositif"].choices = [(d.pk, d.nom) for d in dispositifs]


class QuestionForm(forms.Form):
    libelle = forms.CharField(label="Question", max_length=300)
    type = forms.ChoiceField(label="Type de réponse", choices=TypeQuestion.choices)
    echelle_max = forms.IntegerField(
        label="Note maximale (échelle)", min_value=2, max_value=10, initial=4, required=False
    )
    libelle_min = forms.CharField(label="Libellé de la note 1 (échelle)", max_length=100, required=False)
    libelle_max = forms.CharField(label="Libellé de la note maximale (échelle)", max_length=100, required=False)
    choix = forms.CharField(
        label="Choix proposés (un par ligne)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    obligatoire = forms.BooleanField(label="Réponse obligatoire", required=False)

    def clean_choix(self):
        return [line.strip() for line in self.cleaned_data.get("choix", "").splitlines() if line.strip()]


class ReclamationForm(forms.Form):
    type = forms.ChoiceField(
        label="Vous souhaitez faire",
        choices=[
            (TypeReclamation.SUGGESTION, "Une suggestion (une idée)"),
            (TypeReclamation.RECLAMATION, "Une réclamation (un mécontentement)"),
        ],
        widget=forms.RadioSelect, initial=TypeReclamation.SUGGESTION,
    )  # fmt: skip
    sujet = forms.ChoiceField(label="À propos de")
    objet = forms.CharField(label="Objet (en quelques mots)", max_length=200)
    texte = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)

    def __init__(self, *args, choix_sujets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sujet"].choices = list(choix_sujets)


class ReponseReclamationForm(forms.Form):
    reponse = forms.CharField(
        label="Réponse à l'auteur", widget=forms.Textarea(attrs={"rows": 6}), max_length=5000,
        help_text="Elle sera lue sur le portail ; l'auteur est prévenu sans que le texte ne soit envoyé par courriel.",
    )  # fmt: skip


class RegistreFiltreForm(forms.Form):
    statut = forms.ChoiceField(label="Statut", required=False)
    type = forms.ChoiceField(label="Type", required=False)

    def __init__(self, *args, **kwargs):
        from portail_famille.enums import StatutReclamation

        super().__init__(*args, **kwargs)
        self.fields["statut"].choices = [("", "Tous"), *StatutReclamation.choices]
        self.fields["type"].choices = [("", "Tous"), *TypeReclamation.choices]


class MembreCvsForm(forms.Form):
    dispositif = forms.TypedChoiceField(label="Dispositif", coerce=int)
    email = forms.EmailField(label="Adresse de connexion du membre (compte professionnel ou du portail)")

    def __init__(self, *args, dispositifs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispositif"].choices = [(d.pk, d.nom) for d in dispositifs]
