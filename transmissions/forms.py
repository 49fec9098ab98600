"""Forms of the transmissions pages (the writes go through ``transmissions.services``)."""

from django import forms


class AddendumForm(forms.Form):
    texte = forms.CharField(
        label="Addendum",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Une transmission validée ne se modifie pas : complétez-la ou corrigez-la ici.",
    )
