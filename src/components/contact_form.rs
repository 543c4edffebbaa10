//! Contact details (mobile, e-mail, how to be notified): the first login asks for them and
//! Inställningar edits them. Checked on the device with the API's own rules
//! (`ingang_api::people::check_contact`) and again by the server; every problem is shown at its
//! field and in a summary that takes focus.

use ingang_api::people::{ContactDetails, ContactProblem, Notifications, check_contact};
use leptos::prelude::*;

use crate::{
    api::{ApiError, use_api},
    auth::use_auth,
    browser,
    i18n::{Strings, use_i18n},
    t,
};

fn problem_text(p: ContactProblem, t: &Strings) -> &'static str {
    match p {
        ContactProblem::InvalidMobile => t.contact_invalid_mobile,
        ContactProblem::InvalidEmail => t.contact_invalid_email,
        ContactProblem::MobileRequired => t.contact_mobile_required,
        ContactProblem::EmailRequired => t.contact_email_required,
    }
}

/// The national form of a stored `+467…` number, for editing: `070-123 45 67`.
pub fn display_mobile(stored: &str) -> String {
    match stored.strip_prefix("+46") {
        Some(n) if n.len() == 9 => format!("0{}-{} {} {}", &n[..2], &n[2..5], &n[5..7], &n[7..]),
        _ => stored.to_owned(),
    }
}

#[component]
pub fn ContactForm(
    initial: ContactDetails,
    /// The submit button's text.
    submit_label: fn(&Strings) -> &'static str,
    /// Called after the server saved the details.
    on_saved: Callback<ContactDetails>,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let auth = use_auth();
    let mobile = RwSignal::new(initial.mobile.as_deref().map(display_mobile).unwrap_or_default());
    let email = RwSignal::new(initial.email.clone().unwrap_or_default());
    let n = initial.notifications;
    let (sms, by_email, push) = (RwSignal::new(n.sms), RwSignal::new(n.email), RwSignal::new(n.push));
    let problems = RwSignal::new(Vec::<ContactProblem>::new());
    let failed = RwSignal::new(false);
    let saved = RwSignal::new(false);

    let details = move || ContactDetails {
        mobile: Some(mobile.get_untracked()),
        email: Some(email.get_untracked()),
        notifications: Notifications {
            sms: sms.get_untracked(),
            email: by_email.get_untracked(),
            push: push.get_untracked(),
        },
        registered: true,
    };
    let save = Action::new_local(move |d: &ContactDetails| {
        let d = d.clone();
        async move { api.save_contact(&d).await }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(stored)) => {
            failed.set(false);
            saved.set(true);
            auth.contact_saved(stored.clone());
            on_saved.run(stored);
        }
        Some(Err(ApiError::Status { body: Some(body), .. })) if ContactProblem::from_code(&body.code).is_some() => {
            problems.set(ContactProblem::from_code(&body.code).into_iter().collect());
            browser::focus_id_later("contact-errors".into());
        }
        Some(Err(_)) => failed.set(true),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        match check_contact(&details()) {
            Ok(d) => {
                problems.set(Vec::new());
                save.dispatch(d);
            }
            Err(found) => {
                problems.set(found);
                browser::focus_id_later("contact-errors".into());
            }
        }
    };
    let error_for = move |field: &'static str| {
        move || problems.with(|ps| ps.iter().find(|p| p.field() == field).map(|p| problem_text(*p, i18n.t())))
    };
    let invalid =
        move |field: &'static str| move || problems.with(|ps| ps.iter().any(|p| p.field() == field)).to_string();
    let described = move |field: &'static str, hint: &'static str| {
        move || {
            if problems.with(|ps| ps.iter().any(|p| p.field() == field)) {
                format!("{hint} contact-{field}-error")
            } else {
                hint.to_owned()
            }
        }
    };

    view! {
        <form class="form contact-form" novalidate on:submit=submit>
            <Show when=move || problems.with(|p| !p.is_empty())>
                <div id="contact-errors" class="q-summary" tabindex="-1" role="alert">
                    <h2>{t!(i18n.contact_errors_heading)}</h2>
                    <ul>
                        {move || problems.get().into_iter().map(|p| {
                            let href = format!("#contact-{}", p.field());
                            view! { <li><a href=href>{move || problem_text(p, i18n.t())}</a></li> }
                        }).collect_view()}
                    </ul>
                </div>
            </Show>
            <div class="contact-field">
                <label class="q-label" for="contact-mobile">{t!(i18n.contact_mobile)}</label>
                <p class="q-help" id="contact-mobile-hint">{t!(i18n.contact_mobile_hint)}</p>
                <p class="q-error" id="contact-mobile-error">{error_for("mobile")}</p>
                <input id="contact-mobile" type="tel" inputmode="tel" autocomplete="tel" class="q-input"
                    aria-invalid=invalid("mobile") aria-describedby=described("mobile", "contact-mobile-hint")
                    prop:value=move || mobile.get() on:input=move |ev| mobile.set(event_target_value(&ev)) />
            </div>
            <div class="contact-field">
                <label class="q-label" for="contact-email">{t!(i18n.contact_email)}</label>
                <p class="q-help" id="contact-email-hint">{t!(i18n.contact_email_hint)}</p>
                <p class="q-error" id="contact-email-error">{error_for("email")}</p>
                <input id="contact-email" type="email" autocomplete="email" class="q-input"
                    aria-invalid=invalid("email") aria-describedby=described("email", "contact-email-hint")
                    prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
            </div>
            <fieldset>
                <legend class="q-legend">{t!(i18n.contact_notify_legend)}</legend>
                <p class="q-help">{t!(i18n.contact_notify_hint)}</p>
                <div class="q-option">
                    <input type="checkbox" id="contact-sms" prop:checked=move || sms.get() on:change=move |ev| sms.set(event_target_checked(&ev)) />
                    <label for="contact-sms">{t!(i18n.contact_notify_sms)}</label>
                </div>
                <div class="q-option">
                    <input type="checkbox" id="contact-by-email" prop:checked=move || by_email.get() on:change=move |ev| by_email.set(event_target_checked(&ev)) />
                    <label for="contact-by-email">{t!(i18n.contact_notify_email)}</label>
                </div>
                <div class="q-option">
                    <input type="checkbox" id="contact-push" prop:checked=move || push.get() on:change=move |ev| push.set(event_target_checked(&ev)) />
                    <label for="contact-push">{t!(i18n.contact_notify_push)}</label>
                </div>
            </fieldset>
            <p role="status" class="contact-form__status">
                {move || saved.get().then(|| i18n.t().contact_saved)}
            </p>
            <Show when=move || failed.get()>
                <p class="notice notice--danger" role="alert">{t!(i18n.contact_save_failed)}</p>
            </Show>
            <button type="submit" class="button" disabled=move || save.pending().get()>{move || submit_label(i18n.t())}</button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn stored_numbers_display_nationally() {
        assert_eq!(super::display_mobile("+46701234567"), "070-123 45 67");
        assert_eq!(super::display_mobile("weird"), "weird");
    }
}
