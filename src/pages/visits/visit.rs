//! `/bokade-tider/:id`: one visit. What, when, where and what to bring; the video link when it
//! opens; add to calendar (.ics made here from the visit); check-in inside the window the API
//! gives, with the fee's breakdown; payment; cancel (with the late-cancellation rule the API
//! gives) and reschedule to a free slot. The visit is asked for again every 30 seconds, so the
//! window opens and closes on screen without a reload.

use ingang_api::visits::{self, CheckInState, Payment, PaymentMethod, Visit, VisitKind, VisitStatus};
use leptos::prelude::*;
use leptos_router::{
    components::A,
    hooks::{use_params_map, use_query_map},
};

use super::{
    kind_text,
    payment::{FeeBreakdown, PaymentArgs},
    slot_picker::SlotPicker,
};
use crate::{
    api::{ApiError, use_api},
    browser::{self, moment_text},
    components::{page::Page, protected::Protected},
    i18n::use_i18n,
    t,
};

const REFRESH_SECONDS: u64 = 30;

#[component]
pub fn VisitPage() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let params = use_params_map();
    view! {
        <Page title=|t| t.visits_visit_title>
            <Protected>
                {move || {
                    let id = params.with(|p| p.get("id")).unwrap_or_default();
                    let tick = crate::tick::use_tick(REFRESH_SECONDS);
                    let rid = id.clone();
                    let visit = LocalResource::new(move || {
                        tick.track();
                        api.epoch();
                        // the region's texts follow the language (Accept-Language): a new one refetches
                        i18n.locale();
                        let id = rid.clone();
                        async move { api.visit(&id, None).await }
                    });
                    view! {
                        <p><A href="/bokade-tider">{t!(i18n.visits_back)}</A></p>
                        // built once: a refresh updates the screen in place (what the user is doing stays)
                        <VisitView visit reload=Callback::new(move |_| tick.update(|n| *n = n.wrapping_add(1))) />
                    }
                }}
            </Protected>
        </Page>
    }
}

#[component]
fn VisitView(visit: LocalResource<Result<Visit, ApiError>>, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    // the latest good answer: a failed refresh (offline for a moment) leaves the screen as it was
    let current = Memo::new(move |prev: Option<&Option<Visit>>| match visit.get() {
        Some(Ok(v)) => Some(v),
        _ => prev.cloned().flatten(),
    });
    let check_in = Memo::new(move |_| {
        current.get().and_then(|v| v.check_in.map(|c| (v.id.clone(), c.state, c.opens_at, v.time_zone.clone())))
    });
    let due = Memo::new(move |_| current.get().and_then(|v| v.amount_due.map(|a| (v.id.clone(), a))));
    let payment = Memo::new(move |_| current.get().and_then(|v| v.payment));
    let changeable = Memo::new(move |_| current.get().filter(|v| v.can_cancel).map(|v| v.id));
    let resume = use_query_map().with_untracked(|q| q.get("betalning"));
    let just_paid = StoredValue::new(false);
    // before the first good answer: loading, not found, or failed
    let waiting = move || match (current.get(), visit.get()) {
        (Some(_), _) => None,
        (None, None) => Some(view! { <p role="status">{t!(i18n.loading)}</p> }.into_any()),
        (None, Some(Err(ApiError::Status { status: 404, .. }))) => {
            Some(view! { <p class="notice" role="alert">{t!(i18n.visits_not_found)}</p> }.into_any())
        }
        (None, Some(_)) => {
            Some(view! { <p class="error-text" role="alert">{t!(i18n.visits_action_failed)}</p> }.into_any())
        }
    };
    view! {
        {waiting}
        {move || current.get().map(|v| view! { <Facts visit=v /> })}
        <CalendarButton current />
        {move || current.get().filter(|v| v.status == VisitStatus::Cancelled).map(|v| {
            let text = match v.late_cancel_fee {
                Some(fee) => i18n.t().visits_late_fee.replace("{fee}", &fee.to_string()),
                None => String::new(),
            };
            view! { <p class="notice" data-testid="visit-cancelled">{t!(i18n.visits_cancelled)} " " {text}</p> }
        })}
        {move || check_in.get().map(|(id, state, opens, tz)| view! {
            <CheckIn id state opens tz reload />
        })}
        {move || due.get().map(|(id, amount)| {
            let resume = resume.clone();
            view! { <Pay id amount resume reload just_paid /> }
        })}
        {move || payment.get().map(|p| view! { <Settled payment=p focus=just_paid.get_value() /> })}
        {move || changeable.get().map(|id| view! { <Change id current reload /> })}
    }
}

#[component]
fn Facts(visit: Visit) -> impl IntoView {
    let i18n = use_i18n();
    let (starts, tz) = (visit.starts_at, visit.time_zone.clone());
    let tz2 = tz.clone();
    let kind = visit.kind;
    let bring = (!visit.bring.is_empty()).then(|| {
        let items = visit.bring.iter().map(|b| view! { <li>{b.clone()}</li> }).collect_view();
        view! { <dt>{t!(i18n.visits_bring)}</dt><dd><ul>{items}</ul></dd> }
    });
    let place = match kind {
        VisitKind::Clinic => format!("{}, {}", visit.unit_name, visit.address),
        _ => visit.unit_name.clone(),
    };
    let video = (kind == VisitKind::Video && visit.status != VisitStatus::Cancelled).then(|| match visit.video_url.clone() {
        Some(url) => view! { <p><a class="button" href=url target="_blank" rel="noopener">{t!(i18n.visits_video_join)}</a></p> }.into_any(),
        None => {
            let opens = visit.video_opens_at.unwrap_or(starts);
            view! { <p>{move || i18n.t().visits_video_opens.replace("{time}", &moment_text(opens, &tz2, i18n.locale().code(), true))}</p> }.into_any()
        }
    });
    view! {
        <p class="lead">{visit.title.clone()}</p>
        <dl class="case-facts" data-testid="visit-facts">
            <dt>{t!(i18n.visits_when)}</dt><dd>{move || moment_text(starts, &tz, i18n.locale().code(), true)}</dd>
            <dt>{t!(i18n.visits_who)}</dt><dd>{visit.person_name.clone()}</dd>
            <dt>{t!(i18n.visits_where)}</dt><dd>{move || kind_text(kind, i18n.t())} ", " {place.clone()}</dd>
            {visit.clinician.clone().map(|c| view! { <dt>{t!(i18n.visits_with)}</dt><dd>{c}</dd> })}
            {visit.unit_phone.clone().map(|p| {
                let href = format!("tel:{}", p.replace([' ', '-'], ""));
                view! { <dt>{t!(i18n.visits_phone)}</dt><dd><a href=href class="ltr">{p}</a></dd> }
            })}
            {bring}
        </dl>
        {(kind == VisitKind::Phone).then(|| view! { <p>{t!(i18n.visits_phone_info)}</p> })}
        {video}
    }
}

#[component]
fn CalendarButton(current: Memo<Option<Visit>>) -> impl IntoView {
    let i18n = use_i18n();
    let upcoming = move || {
        current
            .get()
            .is_some_and(|v| v.status != VisitStatus::Cancelled && v.ends_at * 1000 > js_sys::Date::now() as i64)
    };
    view! {
        <Show when=upcoming>
            <p><button type="button" class="button button--secondary" on:click=move |_| {
                if let Some(v) = current.get_untracked() {
                    let t = i18n.t();
                    let summary = format!("{} – {}", v.title, v.unit_name);
                    let description = t.visits_calendar_description.replace("{unit}", &v.unit_name);
                    let text = visits::ics(&v, &summary, &description, (js_sys::Date::now() / 1000.0) as i64);
                    browser::download("besok.ics", "text/calendar;charset=utf-8", &text);
                }
            }>{t!(i18n.visits_calendar)}</button></p>
        </Show>
    }
}

#[component]
fn CheckIn(id: String, state: CheckInState, opens: i64, tz: String, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let vid = StoredValue::new(id);
    let fee = LocalResource::new(move || {
        api.epoch();
        async move { api.visit_fee(&vid.get_value(), None).await }
    });
    let act = Action::new_local(move |_: &()| async move { api.check_in(&vid.get_value(), None).await });
    Effect::new(move |_| {
        if let Some(Ok(_)) = act.value().get() {
            reload.run(());
            browser::focus_id_later("check-in-heading".into());
        }
    });
    let failed = move || matches!(act.value().get(), Some(Err(_)));
    let body = match state {
        CheckInState::NotYet => view! {
            <p data-testid="check-in-state">{move || i18n.t().visits_check_in_not_yet.replace("{time}", &moment_text(opens, &tz, i18n.locale().code(), false))}</p>
        }
        .into_any(),
        CheckInState::Open => view! {
            <p data-testid="check-in-state">{t!(i18n.visits_check_in_open)}</p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move { fee.await.ok().map(|fee| view! { <FeeBreakdown fee /> }) })}
            </Transition>
            <p><button type="button" class="button" data-testid="check-in-button"
                aria-disabled=move || act.pending().get().to_string()
                on:click=move |_| {
                    if !act.pending().get_untracked() {
                        act.dispatch(());
                    }
                }>{t!(i18n.visits_check_in_button)}</button></p>
            <p role="alert">{move || failed().then(|| i18n.t().visits_check_in_failed)}</p>
        }
        .into_any(),
        CheckInState::Closed => view! { <p class="notice" data-testid="check-in-state">{t!(i18n.visits_check_in_closed)}</p> }.into_any(),
        CheckInState::Done => view! { <p class="notice notice--success" data-testid="check-in-state">{t!(i18n.visits_check_in_done)}</p> }.into_any(),
    };
    view! {
        <section aria-labelledby="check-in-heading" class="check-in">
            <h2 id="check-in-heading" tabindex="-1">{t!(i18n.visits_check_in_heading)}</h2>
            {body}
        </section>
    }
}

#[component]
fn Pay(
    id: String,
    amount: u32,
    resume: Option<String>,
    reload: Callback<()>,
    just_paid: StoredValue<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let vid = StoredValue::new(id.clone());
    let fee = LocalResource::new(move || async move { api.visit_fee(&vid.get_value(), None).await });
    let return_path = format!("/bokade-tider/{id}");
    view! {
        <Transition fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
            {move || {
                let (return_path, resume) = (return_path.clone(), resume.clone());
                Suspend::new(async move {
                    fee.await.ok().map(|fee| {
                        let args = PaymentArgs {
                            visit_id: vid.get_value(),
                            amount,
                            fee,
                            bearer: None,
                            methods: vec![PaymentMethod::Card, PaymentMethod::Swish, PaymentMethod::Invoice],
                            return_path,
                            resume,
                            on_settled: Callback::new(move |_: Payment| {
                                just_paid.set_value(true);
                                reload.run(());
                            }),
                            qr_always: false,
                        };
                        view! { <crate::chunks::Payment args /> }
                    })
                })
            }}
        </Transition>
    }
}

#[component]
fn Settled(payment: Payment, focus: bool) -> impl IntoView {
    let i18n = use_i18n();
    if focus {
        // paid just now: the payment panel is gone, the outcome takes its place and the focus
        browser::focus_id_later("paid-heading".into());
    }
    let href = format!("/kvitto/{}", payment.id);
    let invoiced = payment.status == ingang_api::visits::PaymentStatus::Invoiced;
    let text = move || {
        let t = i18n.t();
        if invoiced {
            super::payment::outcome_text(&payment, t)
        } else {
            format!("{}: {} kr", t.visits_paid, payment.total)
        }
    };
    view! {
        <section class="paid" aria-labelledby="paid-heading">
            <h2 id="paid-heading" tabindex="-1">{t!(i18n.visits_fee_heading)}</h2>
            <p class="notice notice--success" role="status" data-testid="visit-paid">{text}</p>
            <p><A href=href>{t!(i18n.visits_receipt_link)}</A></p>
        </section>
    }
}

#[component]
fn Change(id: String, current: Memo<Option<Visit>>, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let vid = StoredValue::new(id);
    let confirming = RwSignal::new(false);
    let choosing = RwSignal::new(false);
    let chosen = RwSignal::new(None::<String>);
    let note = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<&'static str>);
    let cancel = Action::new_local(move |_: &()| async move { api.cancel_visit(&vid.get_value()).await });
    let move_to = Action::new_local(move |slot: &String| {
        let slot = slot.clone();
        async move { api.reschedule(&vid.get_value(), &slot).await }
    });
    let slots = LocalResource::new(move || {
        let open = choosing.get();
        async move { if open { api.slots(&vid.get_value()).await.map(|s| s.slots) } else { Ok(vec![]) } }
    });
    Effect::new(move |_| match cancel.value().get() {
        Some(Ok(v)) => {
            let t = i18n.t();
            note.set(Some(match v.late_cancel_fee {
                Some(fee) => t.visits_cancelled_fee.replace("{fee}", &fee.to_string()),
                None => t.visits_cancelled.to_owned(),
            }));
            reload.run(());
        }
        Some(Err(_)) => problem.set(Some(i18n.t().visits_action_failed)),
        None => {}
    });
    Effect::new(move |_| match move_to.value().get() {
        Some(Ok(v)) => {
            choosing.set(false);
            note.set(Some(
                i18n.t()
                    .visits_rescheduled
                    .replace("{time}", &moment_text(v.starts_at, &v.time_zone, i18n.locale_untracked().code(), true)),
            ));
            reload.run(());
        }
        Some(Err(ApiError::Status { body: Some(b), .. })) if b.code == "slot_taken" => {
            problem.set(Some(i18n.t().visits_slot_taken));
            slots.refetch();
        }
        Some(Err(_)) => problem.set(Some(i18n.t().visits_action_failed)),
        None => {}
    });
    let policy = move || {
        let v = current.get()?;
        let p = v.cancel_policy?;
        let now = (js_sys::Date::now() / 1000.0) as i64;
        let t = i18n.t();
        Some(if now >= p.free_until && p.late_fee > 0 {
            t.visits_cancel_late.replace("{fee}", &p.late_fee.to_string())
        } else {
            t.visits_cancel_free.replace("{time}", &moment_text(p.free_until, &v.time_zone, i18n.locale().code(), true))
        })
    };
    let can_move = move || current.get().is_some_and(|v| v.can_reschedule);
    let tz = move || current.get().map(|v| v.time_zone).unwrap_or_else(|| "Europe/Stockholm".into());
    view! {
        <section aria-labelledby="change-heading" class="change">
            <h2 id="change-heading">{t!(i18n.visits_cancel_heading)}</h2>
            <p data-testid="cancel-policy">{policy}</p>
            <div role="status" data-testid="change-status">{move || note.get()}</div>
            <div role="alert">{move || problem.get()}</div>
            <Show when=move || !can_move()>
                <p data-testid="no-reschedule">{t!(i18n.visits_no_reschedule)}</p>
            </Show>
            <Show when=move || can_move() && !choosing.get()>
                <p><button type="button" class="button button--secondary" on:click=move |_| {
                    problem.set(None);
                    choosing.set(true);
                }>{t!(i18n.visits_reschedule_button)}</button></p>
            </Show>
            <Show when=move || choosing.get()>
                <Transition fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
                    {move || Suspend::new(async move {
                        let list = slots.await.unwrap_or_default();
                        // the choice is ready: focus its legend (the button that opened it is gone)
                        browser::focus_id_later("slots-legend".into());
                        if list.is_empty() {
                            return view! { <p>{t!(i18n.visits_reschedule_none)}</p> }.into_any();
                        }
                        // by day (in the unit's zone): a day picker, then that day's times
                        view! {
                            <SlotPicker slots=list time_zone=tz() chosen legend=|t| t.visits_reschedule_day_legend />
                            <p><button type="button" class="button" on:click=move |_| {
                                problem.set(None);
                                match chosen.get_untracked() {
                                    Some(slot) if !move_to.pending().get_untracked() => { move_to.dispatch(slot); }
                                    Some(_) => {}
                                    None => problem.set(Some(i18n.t().visits_reschedule_choose)),
                                }
                            }>{t!(i18n.visits_reschedule_confirm)}</button></p>
                        }.into_any()
                    })}
                </Transition>
            </Show>
            <Show
                when=move || confirming.get()
                fallback=move || view! {
                    <p><button type="button" class="button button--secondary" on:click=move |_| {
                        confirming.set(true);
                        browser::focus_id_later("cancel-confirm".into());
                    }>{t!(i18n.visits_cancel_button)}</button></p>
                }
            >
                <div class="notice" id="cancel-confirm" tabindex="-1">
                    <p>{t!(i18n.visits_cancel_confirm)} " " {policy}</p>
                    <p class="dialog__actions">
                        <button type="button" class="button button--danger" on:click=move |_| {
                            if !cancel.pending().get_untracked() {
                                cancel.dispatch(());
                            }
                        }>{t!(i18n.visits_cancel_yes)}</button>
                        <button type="button" class="button button--secondary" on:click=move |_| confirming.set(false)>
                            {t!(i18n.visits_cancel_no)}
                        </button>
                    </p>
                </div>
            </Show>
        </section>
    }
}
