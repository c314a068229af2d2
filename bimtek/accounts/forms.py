"""Login, user and token forms (shape of input only)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from bimtek.i18n import lazy_choices


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired()])


class UserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email()])
    name = StringField(_l("Nama"), validators=[Optional(), Length(max=150)])
    role = SelectField(
        _l("Peran"),
        choices=lazy_choices("user_role"),
    )
    password = PasswordField(_l("Kata sandi"), validators=[Optional(), Length(min=10, max=200)])
    active = BooleanField(_l("Aktif"), default=True)


class TokenForm(FlaskForm):
    label = StringField(_l("Label perangkat"), validators=[DataRequired(), Length(max=100)])


class AssignForm(FlaskForm):
    email = EmailField(_l("Email staf"), validators=[DataRequired(), Email()])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("Kata sandi baru"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[DataRequired(), EqualTo("password", message=_l("Kedua kata sandi tidak sama."))],
    )


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(_l("Kata sandi saat ini"), validators=[DataRequired(), Length(max=200)])
