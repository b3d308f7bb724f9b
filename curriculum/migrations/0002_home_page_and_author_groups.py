"""The public home page, its site, and the Trainers and Curriculum reviewers groups.

Trainers may add and edit pages but not publish them: their changes go to a reviewer, who may.
"""

from django.db import migrations

HOME_TITLE = "Link Worker Academy"
TRAINERS = "Trainers"
REVIEWERS = "Curriculum reviewers"
PAGE_PERMISSIONS = {
    TRAINERS: ["add_page", "change_page", "lock_page"],
    REVIEWERS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
COLLECTION_PERMISSIONS = [
    ("wagtailimages", ["add_image", "change_image", "choose_image"]),
    ("wagtaildocs", ["add_document", "change_document", "choose_document"]),
]


def create_home_and_groups(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    HomePage = apps.get_model("curriculum", "HomePage")

    home_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="curriculum")
    root = Page.objects.get(depth=1)
    # Wagtail's initial migration leaves a placeholder "Welcome" page; ours replaces it.
    Site.objects.filter(root_page__depth=2, root_page__content_type__model="page").delete()
    Page.objects.filter(
        depth=2, content_type__model="page", content_type__app_label="wagtailcore"
    ).delete()
    root.refresh_from_db()
    home = HomePage.objects.create(
        title=HOME_TITLE,
        draft_title=HOME_TITLE,
        slug="home",
        content_type=home_type,
        path=f"{root.path}0001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale_id=root.locale_id,
        live=True,
        introduction=(
            "<p>One standard curriculum and recognised qualifications for social prescribing "
            "link workers in NHS primary care.</p>"
        ),
    )
    Page.objects.filter(pk=root.pk).update(numchild=Page.objects.filter(depth=2).count())
    Site.objects.create(
        hostname="localhost", root_page=home, is_default_site=True, site_name=HOME_TITLE
    )

    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    root_collection = Collection.objects.get(depth=1)
    for group_name, codenames in PAGE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(access_admin)
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=root,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
        for app_label, collection_codenames in COLLECTION_PERMISSIONS:
            for codename in collection_codenames:
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection=root_collection,
                    permission=Permission.objects.get(
                        content_type__app_label=app_label, codename=codename
                    ),
                )


class Migration(migrations.Migration):
    dependencies = [
        ("curriculum", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(create_home_and_groups, migrations.RunPython.noop)]
