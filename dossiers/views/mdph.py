"""The MDPH tab of a dossier (notifications, changes of modalité with their fiche de liaison) and the list of
notifications coming to their end (menu « Échéances MDPH»)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dossiers.forms.mdph import ChangementModaliteForm, EnvoiMdphForm, NotificationMdphForm
from dossiers.models import ChangementModalite, Dossier, NotificationMdph, Proche
from dossiers.perms import can_read_item
from dossiers.services import mdph as services
from dossiers.services.famille import notification_mdph_save
from dossiers.views.dossier import dossier_context, dossier_view
from dossiers.views.famille import _save_form, render_form_page

PAGE_SIZE = 50


def is_clinical_reader(access) -> bool:
    """Who reads dossiers (admin_organisme sees no clinical content: DOMAIN §3)."""
    return access.is_professionnel and bool(access.metiers - {"admin_organisme"})


def mdph_url(dossier) -> str:
    return reverse("dossiers:mdph", kwargs={"pk": dossier.pk})


@require_GET
@dossier_view()
def mdph(request, dossier):
    context = dossier_context(request, dossier, "mdph")
    today = timezone.localdate()
    context["today"] = today
    context["echeance"] = services.echeance_limit(today)
    notifications = list(NotificationMdph.objects.filter(jeune_id=dossier.jeune_id).order_by("-date_fin", "-pk"))
    for notification in notifications:
        notification.modalites_label = services.modalites_label(notification.modalites_entree)
    context["notifications"] = notifications
    changements = list(
        ChangementModalite.objects.filter(dossier=dossier).select_related("fiche_liaison", "created_by")
    )
    for changement in changements:
        changement.avant_label = services.modalites_label(changement.modalites_avant)
        changement.apres_label = services.modalites_label(changement.modalites_apres)
        fiche = changement.fiche_liaison
        changement.fiche_lisible = fiche is not None and can_read_item(
            request.access, dossier=dossier, visibilite=fiche.visibilite, author_id=fiche.uploaded_by_id
        )
    context["changements"] = changements
    context["modalites_label"] = services.modalites_label(dossier.modalites)
    return render(request, "dossiers/mdph/mdph.html", context)


def _notification(dossier, notification_pk) -> NotificationMdph:
    return get_object_or_404(
        NotificationMdph.objects.select_related("jeune"), jeune_id=dossier.jeune_id, pk=notification_pk
    )


def _changement(dossier, changement_pk) -> ChangementModalite:
    return get_object_or_404(
        ChangementModalite.objects.select_related("dossier__jeune", "dossier__dispositif"),
        dossier=dossier, pk=changement_pk,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@dossier_view(write=True)
def notification_create(request, dossier):
    notification = NotificationMdph(organisme_id=dossier.organisme_id, jeune=dossier.jeune, dossier=dossier)
    form = NotificationMdphForm(request.POST or None, instance=notification)
    save = lambda: notification_mdph_save(notification=form.instance, actor=request.user, request=request)  # noqa: E731
    if _save_form(request, form, save, "Notification MDPH enregistrée."):
        return redirect(mdph_url(dossier))
    return render_form_page(request, dossier, "mdph", form, heading="Nouvelle notification MDPH",
                            cancel_url=mdph_url(dossier))  # fmt: skip


@require_http_methods(["GET", "POST"])
@dossier_view(write=True)
def notification_edit(request, dossier, notification_pk):
    notification = _notification(dossier, notification_pk)
    form = NotificationMdphForm(request.POST or None, instance=notification)

    def save():
        notification_mdph_save(notification=form.instance, actor=request.user, request=request,
                               changed=form.changed_data)  # fmt: skip

    if _save_form(request, form, save, "Notification MDPH modifiée."):
        return redirect(mdph_url(dossier))
    return render_form_page(request, dossier, "mdph", form, heading="Modifier la notification MDPH",
                            cancel_url=mdph_url(dossier))  # fmt: skip


@require_http_methods(["GET", "POST"])
@dossier_view(write=True)
def changement_create(request, dossier):
    representants = Proche.objects.filter(jeune_id=dossier.jeune_id, representant_legal=True)
    form = ChangementModaliteForm(request.POST or None, dossier=dossier, representants=representants)

    def save():
        data = form.cleaned_data
        changement = services.changement_modalite_record(
            dossier=dossier, date=data["date"], modalites_apres=data["modalites_apres"], accord_de=data["accord_de"],
            accord_le=data["accord_le"], accord_mode=data["accord_mode"], commentaire=data["commentaire"],
            actor=request.user, request=request,
        )  # fmt: skip
        if changement.accord_mode == "refus":
            messages.warning(request, "Le refus est enregistré : les modalités en cours ne changent pas.")

    if _save_form(request, form, save, "Changement de modalité enregistré."):
        return redirect(mdph_url(dossier) + "#changements")
    intro = f"Modalités en cours : {services.modalites_label(dossier.modalites)}."
    return render_form_page(request, dossier, "mdph", form, heading="Changement de modalité", intro=intro,
                            cancel_url=mdph_url(dossier))  # fmt: skip


@require_POST
@dossier_view(write=True)
def fiche_liaison_generate(request, dossier, changement_pk):
    changement = _changement(dossier, changement_pk)
    try:
        services.fiche_liaison_generate(changement=changement, actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "La fiche de liaison a été produite et classée dans les documents du dossier.")
    return redirect(mdph_url(dossier) + "#changements")


@require_http_methods(["GET", "POST"])
@dossier_view(write=True)
def envoi_mdph(request, dossier, changement_pk):
    changement = _changement(dossier, changement_pk)
    form = EnvoiMdphForm(request.POST or None, initial={"envoye_mdph_le": timezone.localdate()})

    def save():
        services.changement_envoi_mdph_record(changement=changement, date=form.cleaned_data["envoye_mdph_le"],
                                              actor=request.user, request=request)  # fmt: skip

    if _save_form(request, form, save, "Date d'envoi à la MDPH enregistrée."):
        return redirect(mdph_url(dossier) + "#changements")
    return render_form_page(request, dossier, "mdph", form, heading=f"Envoi à la MDPH — {changement}",
                            cancel_url=mdph_url(dossier))  # fmt: skip


@require_GET
def echeances(request):
    """Notifications ending within 3 months, for the dossiers the user may read (constant number of queries)."""
    access = request.access
    if not is_clinical_reader(access):
        raise PermissionDenied
    today = timezone.localdate()
    dispositif = Dossier.objects.filter(pk=OuterRef("dossier_pk")).values("dispositif__nom")[:1]
    notifications = services.notifications_echeance_for_access(access, today).annotate(
        dispositif_nom=Subquery(dispositif)
    )
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "today": today, "limite": services.echeance_limit(today)}
    return render(request, "dossiers/mdph/echeances.html", context)
