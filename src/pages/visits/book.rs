//! Boka tid (`/boka-tid`): booking a visit oneself (webbtidbokning) for whom the user handles
//! visits (themself, a child up to 12), at a unit that opens visit types to it: whom, unit (the
//! person's own health centre first and preselected), what, day and time, then "Boka". One
//! idempotency key per booking, kept until it is booked, so a retry never books twice. The
//! visit then opens in Bokade tider with its check-in.

use ingang_api::{
    Service, Unit,
    visits::{BookableType, NewVisit, Slot},
};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::{kind_text, slot_picker::SlotPicker};
use crate::{
    api::{ApiError, use_api},
    auth::use_auth,
    browser::{self, moment_text},
    components::{
        page::Page,
        person_chooser::{PersonChooser, Purpose, allowed},
        protected::Protected,
    },
    i18n::use_i18n,
    t,
};

#[component]
pub fn BookPage() -> impl IntoView {
    view! {
        <Page title=|t| t.book_title>
            <Protected>
                <Book />
            </Protected>
        </Page>
    }
}

/// What went wrong, said where the "Boka" button is.
#[derive(Clone, Copy, PartialEq)]
enum Problem {
    ChooseUnit,
    ChooseType,
    ChooseSlot,
    Taken,
    AlreadyBooked,
    Offline,
    Failed,
}

fn problem_of(e: &ApiError) -> Problem {
    match e {
        ApiError::Network => Problem::Offline,
        ApiError::Status { body: Some(b), .. } if b.code == "slot_taken" => Problem::Taken,
        ApiError::Status { body: Some(b), .. } if b.code == "already_booked" => Problem::AlreadyBooked,
        _ => Problem::Failed,
    }
}

#[component]
fn Book() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let auth = use_auth();
    let navigate = use_navigate();
    let units = LocalResource::new(move || {
        api.epoch();
        async move {
            api.units()
                .await
                .map(|l| l.units.into_iter().filter(|u| u.services.contains(&Service::Booking)).collect::<Vec<_>>())
        }
    });
    let person = Memo::new(move |_| auth.acting_for().filter(|p| allowed(p, Purpose::EServices)));
    // the unit chosen; until then the person's own (listed) unit, when it takes bookings
    let picked_unit = RwSignal::new(None::<String>);
    let unit = Memo::new(move |_| {
        let list = units.get().and_then(Result::ok).unwrap_or_default();
        let listed = person.get().and_then(|p| p.listed_unit_id);
        picked_unit.get().or(listed).filter(|id| list.iter().any(|u| &u.id == id))
    });
    let kind = RwSignal::new(None::<String>);
    let slot = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<Problem>);
    let types = LocalResource::new(move || {
        let u = unit.get();
        // the region's texts follow the language (Accept-Language): a new one refetches
        i18n.locale();
        async move {
            match u {
                Some(u) => api.bookable(&u).await.map(|t| t.types).ok(),
                None => Some(vec![]),
            }
        }
    });
    let slots = LocalResource::new(move || {
        let (u, k) = (unit.get(), kind.get());
        async move {
            match (u, k) {
                (Some(u), Some(k)) => api.free_slots(&u, &k).await.map(|s| s.slots).ok(),
                _ => Some(vec![]),
            }
        }
    });
    let book = Action::new_local(move |visit: &NewVisit| {
        let visit = visit.clone();
        async move {
            // kept until booked: a retry after a lost answer sends the same key
            let name = format!("book.{}/{}/{}/{}", visit.person_id, visit.unit_id, visit.type_id, visit.slot_id);
            let key = crate::storage::idempotency_key(&name);
            let booked = api.book(&visit, &key).await;
            if booked.is_ok() {
                crate::storage::remove(&name);
            }
            booked
        }
    });
    let say = move |p: Problem| {
        problem.set(Some(p));
        browser::focus_id_later("book-problem".into());
    };
    Effect::new(move |_| match book.value().get() {
        Some(Ok(visit)) => navigate(&format!("/bokade-tider/{}?bokad=1", visit.id), Default::default()),
        Some(Err(e)) => {
            let p = problem_of(&e);
            if p == Problem::Taken {
                slot.set(None);
                slots.refetch();
            }
            say(p);
        }
        None => {}
    });
    let on_choose = Callback::new(move |p: ingang_api::people::Person| {
        auth.act_for(&p);
        slot.set(None);
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        problem.set(None);
        let (Some(p), u, k, s) =
            (person.get_untracked(), unit.get_untracked(), kind.get_untracked(), slot.get_untracked())
        else {
            return;
        };
        match (u, k, s) {
            (None, _, _) => say(Problem::ChooseUnit),
            (_, None, _) => say(Problem::ChooseType),
            (_, _, None) => say(Problem::ChooseSlot),
            (Some(unit_id), Some(type_id), Some(slot_id)) => {
                if !book.pending().get_untracked() {
                    book.dispatch(NewVisit { person_id: p.id, unit_id, type_id, slot_id });
                }
            }
        }
    };
    let problem_text = move || {
        let t = i18n.t();
        problem.get().map(|p| match p {
            Problem::ChooseUnit => t.book_choose_unit.to_owned(),
            Problem::ChooseType => t.book_choose_type.to_owned(),
            Problem::ChooseSlot => t.book_choose_slot.to_owned(),
            Problem::Taken => t.book_slot_taken.to_owned(),
            Problem::AlreadyBooked => {
                t.book_already_booked.replace("{name}", &person.get().map(|p| p.given_name).unwrap_or_default())
            }
            Problem::Offline => t.book_offline.to_owned(),
            Problem::Failed => t.book_failed.to_owned(),
        })
    };
    view! {
        <p class="lead">{t!(i18n.book_lead)}</p>
        <h2>{t!(i18n.book_whom_legend)}</h2>
        <Transition fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
            {move || Suspend::new(async move {
                let people = auth.people_ready().await.unwrap_or_default();
                let current = person.get_untracked().map(|p| p.id);
                view! { <PersonChooser people purpose=Purpose::EServices current on_choose immediate=true /> }
            })}
        </Transition>
        <form class="form" on:submit=submit novalidate>
            <Transition fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                {move || Suspend::new(async move {
                    let list = units.await.unwrap_or_default();
                    if list.is_empty() {
                        return view! { <p>{t!(i18n.book_no_units)}</p> }.into_any();
                    }
                    view! { <Units list unit picked_unit kind time=slot person /> }.into_any()
                })}
            </Transition>
            <Show when=move || unit.get().is_some()>
                <Transition fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                    {move || Suspend::new(async move {
                        match types.await {
                            None => view! { <p class="error-text" role="alert">{t!(i18n.book_failed)}</p> }.into_any(),
                            Some(list) if list.is_empty() => view! { <p>{t!(i18n.book_no_types)}</p> }.into_any(),
                            Some(list) => view! { <Types list kind time=slot /> }.into_any(),
                        }
                    })}
                </Transition>
            </Show>
            <Show when=move || kind.get().is_some()>
                <Transition fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                    {move || Suspend::new(async move {
                        let list = slots.await;
                        let tz = units.get().and_then(Result::ok).unwrap_or_default().into_iter()
                            .find(|u| Some(&u.id) == unit.get_untracked().as_ref())
                            .map(|u| u.time_zone)
                            .unwrap_or_else(|| "Europe/Stockholm".into());
                        match list {
                            None => view! { <p class="error-text" role="alert">{t!(i18n.book_failed)}</p> }.into_any(),
                            Some(list) if list.is_empty() => view! { <p>{t!(i18n.book_no_slots)}</p> }.into_any(),
                            Some(list) => {
                                let listed = StoredValue::new(list.clone());
                                view! {
                                    <SlotPicker slots=list time_zone=tz.clone() chosen=slot legend=|t| t.book_day_legend />
                                    <Summary slots=listed tz units unit types kind time=slot person />
                                }.into_any()
                            }
                        }
                    })}
                </Transition>
            </Show>
            <p class="error-text" id="book-problem" tabindex="-1" role="alert">{problem_text}</p>
            <button type="submit" class="button" disabled=move || book.pending().get()>
                {move || if book.pending().get() { i18n.t().book_booking } else { i18n.t().book_confirm }}
            </button>
        </form>
    }
}

/// The units that take bookings, the person's own first.
#[component]
fn Units(
    list: Vec<Unit>,
    unit: Memo<Option<String>>,
    picked_unit: RwSignal<Option<String>>,
    kind: RwSignal<Option<String>>,
    time: RwSignal<Option<String>>,
    person: Memo<Option<ingang_api::people::Person>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let listed = person.get_untracked().and_then(|p| p.listed_unit_id);
    let mut list = list;
    list.sort_by_key(|u| Some(&u.id) != listed.as_ref());
    let rows = list
        .into_iter()
        .map(|u| {
            let id = format!("book-unit-{}", u.id);
            let (v1, v2) = (u.id.clone(), u.id.clone());
            let own = listed.as_deref() == Some(u.id.as_str());
            view! {
                <div class="q-option">
                    <input type="radio" name="book-unit" id=id.clone()
                        prop:checked=move || unit.get().as_deref() == Some(v1.as_str())
                        on:change=move |_| { picked_unit.set(Some(v2.clone())); kind.set(None); time.set(None); } />
                    <label for=id>
                        {u.name.clone()}", "{u.city.clone()}
                        {own.then(|| view! { " – "<strong class="listed">{t!(i18n.unit_step_listed)}</strong> })}
                    </label>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class="people">
            <legend class="q-legend">{t!(i18n.book_unit_legend)}</legend>
            {rows}
        </fieldset>
    }
}

/// What can be booked at the unit.
#[component]
fn Types(list: Vec<BookableType>, kind: RwSignal<Option<String>>, time: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = list
        .into_iter()
        .map(|b| {
            let id = format!("book-type-{}", b.id);
            let desc = format!("book-type-{}-desc", b.id);
            let (v1, v2) = (b.id.clone(), b.id.clone());
            let (minutes, visit_kind, text) = (b.minutes, b.kind, b.description.clone());
            view! {
                <div class="q-option q-option--rich">
                    <input type="radio" name="book-type" id=id.clone() aria-describedby=desc.clone()
                        prop:checked=move || kind.get().as_deref() == Some(v1.as_str())
                        on:change=move |_| { kind.set(Some(v2.clone())); time.set(None); } />
                    <label for=id>{b.title.clone()}</label>
                    <span class="q-option__desc" id=desc>
                        {move || format!("{}, {}.", kind_text(visit_kind, i18n.t()), crate::i18n::plural(i18n.t(), i18n.t().book_type_minutes, u64::from(minutes)).replace("{n}", &minutes.to_string()))}
                        {text.map(|t| view! { " "{t} })}
                    </span>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class="people">
            <legend class="q-legend">{t!(i18n.book_type_legend)}</legend>
            {rows}
        </fieldset>
    }
}

/// "Provtagning hos Hälsocentralen Kalix, tisdag 8 december 09:00. För Erik Johansson." once a
/// time is chosen.
#[component]
fn Summary(
    slots: StoredValue<Vec<Slot>>,
    tz: String,
    units: LocalResource<Result<Vec<Unit>, ApiError>>,
    unit: Memo<Option<String>>,
    types: LocalResource<Option<Vec<BookableType>>>,
    kind: RwSignal<Option<String>>,
    time: RwSignal<Option<String>>,
    person: Memo<Option<ingang_api::people::Person>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || {
        let chosen = time.get()?;
        let starts = slots.with_value(|list| list.iter().find(|s| s.id == chosen).map(|s| s.starts_at))?;
        let (unit_id, type_id) = (unit.get()?, kind.get()?);
        let unit = units.get().and_then(Result::ok)?.into_iter().find(|u| u.id == unit_id)?;
        let title = types.get().flatten()?.into_iter().find(|t| t.id == type_id)?.title;
        Some(
            i18n.t()
                .book_summary
                .replace("{title}", &title)
                .replace("{unit}", &unit.name)
                .replace("{time}", &moment_text(starts, &tz, i18n.locale().code(), true))
                .replace("{name}", &person.get().map(|p| p.name).unwrap_or_default()),
        )
    };
    view! { <p class="notice" data-testid="book-summary" aria-live="polite">{text}</p> }
}
