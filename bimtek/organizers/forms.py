"""The organizer profile form (shape of input only; rules live in services)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional


class ProfileForm(FlaskForm):
    name = StringField(_l("Nama profil"), validators=[DataRequired(), Length(max=200)])
    parent_line = StringField(_l("Baris 1: instansi induk"), validators=[DataRequired(), Length(max=200)])
    unit_line = StringField(_l("Baris 2: unit (eselon I)"), validators=[Optional(), Length(max=200)])
    sub_unit_line = StringField(_l("Baris 3: unit kerja (eselon II)"), validators=[Optional(), Length(max=200)])
    address = StringField(_l("Alamat dengan kota dan kode pos"), validators=[Optional(), Length(max=300)])
    city = StringField(_l("Kota (tempat penandatanganan)"), validators=[Optional(), Length(max=120)])
    phone = StringField(_l("Telepon/faks"), validators=[Optional(), Length(max=80)])
    website = StringField(_l("Situs web"), validators=[Optional(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[Optional(), Email(), Length(max=254)])
    logo = FileField(_l("Logo (PNG atau JPEG, maksimal 1 MB)"))
    remove_logo = BooleanField(_l("Hapus logo"))
    head_title = StringField(_l("Jabatan kepala/pejabat"), validators=[Optional(), Length(max=200)])
    head_name = StringField(_l("Nama kepala/pejabat"), validators=[Optional(), Length(max=200)])
    head_nip = StringField(_l("NIP kepala/pejabat"), validators=[Optional(), Length(max=40)])
    chair_title = StringField(_l("Jabatan ketua panitia"), validators=[Optional(), Length(max=200)])
    chair_name = StringField(_l("Nama ketua panitia"), validators=[Optional(), Length(max=200)])
    chair_nip = StringField(_l("NIP ketua panitia"), validators=[Optional(), Length(max=40)])
