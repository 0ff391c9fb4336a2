"""ImportRun.checked: the runs already stored are whole (they were stored before their
page was shown), so they are added checked; a new run starts unchecked."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="importrun",
            name="checked",
            field=models.BooleanField(default=True),
        ),
        migrations.AlterField(
            model_name="importrun",
            name="checked",
            field=models.BooleanField(default=False),
        ),
    ]
