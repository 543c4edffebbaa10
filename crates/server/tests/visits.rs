//! Booked visits: who sees which, the check-in window on a fixed clock, fees, payments that are
//! never taken twice, receipts, cancel and reschedule, the reminder SMS, and the kiosk.

mod common;

use axum::{Router, body::Body, http::Request};
use common::*;
use ingang_server::AppState;
use serde_json::{Value, json};

const ANNA: &str = "198001139297";
const ERIK: &str = "197905041237";
const SARA: &str = "198509223452";
const KIM: &str = "199407712380";

async fn book(app: &Router, pnr: &str, minutes: i64) -> String {
    let (status, v) = call(
        app,
        "POST",
        "/test/visits",
        "",
        None,
        Some(json!({ "personalNumber": pnr, "unitId": "hc-gibraltar", "startsInMinutes": minutes })),
    )
    .await;
    assert_eq!(status, 201, "{v}");
    v["id"].as_str().unwrap().to_owned()
}

async fn set_clock(app: &Router, at: Option<i64>) -> Value {
    call(app, "PUT", "/test/clock", "", None, Some(json!({ "at": at }))).await.1
}

async fn form(app: &Router, uri: &str, body: &str) -> u16 {
    let req = Request::post(uri)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .unwrap();
    send(app, req).await.status().as_u16()
}

async fn setup() -> (Router, AppState) {
    demo_app().await
}

#[tokio::test]
async fn a_family_sees_its_visits_and_nobody_else_reaches_them() {
    let (app, state) = setup().await;
    let anna = login(&app, &state, ANNA).await;
    let erik = login(&app, &state, ERIK).await;
    let (s, list) = call(&app, "GET", "/api/v1/visits", &anna, None, None).await;
    assert_eq!(s, 200);
    let names: Vec<&str> =
        list["upcoming"].as_array().unwrap().iter().map(|v| v["personName"].as_str().unwrap()).collect();
    assert!(names.contains(&"Anna Andersson") && names.contains(&"Noah Andersson"), "{names:?}");
    // Elsa is 14: her bookings are her own (1177: a guardian acts for children up to 12)
    assert!(!names.contains(&"Elsa Andersson") && !names.contains(&"Erik Lindqvist"), "{names:?}");
    assert_eq!(call(&app, "GET", "/api/v1/visits/demo-elsa-tand", &anna, None, None).await.0, 404);
    assert_eq!(list["past"][0]["id"], "demo-anna-tidigare");
    assert_eq!(list["past"][0]["payment"]["status"], "PAID");
    // soonest first; a clinic visit has its address and what to bring
    let first = &list["upcoming"][0];
    assert_eq!(first["id"], "demo-anna-lakare");
    assert_eq!(first["address"], "Gibraltargatan 10, Luleå");
    assert_eq!(first["bring"][0], "Legitimation");

    for (method, path) in [
        ("GET", "/api/v1/visits/demo-anna-lakare"),
        ("GET", "/api/v1/visits/demo-anna-lakare/fee"),
        ("GET", "/api/v1/visits/demo-anna-lakare/slots"),
        ("POST", "/api/v1/visits/demo-anna-lakare/cancel"),
        ("POST", "/api/v1/visits/demo-anna-lakare/check-in"),
        ("GET", "/api/v1/payments/demo-anna-tidigare-kort"),
        ("GET", "/api/v1/payments/demo-anna-tidigare-kort/receipt"),
    ] {
        assert_eq!(call(&app, method, path, &erik, None, None).await.0, 404, "{method} {path}");
    }
    let (s, _) = call(
        &app,
        "POST",
        "/api/v1/visits/demo-anna-lakare/payments",
        &erik,
        Some("k"),
        Some(json!({"method": "invoice"})),
    )
    .await;
    assert_eq!(s, 404);
    assert_eq!(call(&app, "GET", "/api/v1/visits", "", None, None).await.0, 401);
    // still booked after Erik's attempts
    let (_, v) = call(&app, "GET", "/api/v1/visits/demo-anna-lakare", &anna, None, None).await;
    assert_eq!(v["status"], "booked");
    // the receipt of the past visit
    let (s, r) = call(&app, "GET", "/api/v1/payments/demo-anna-tidigare-kort/receipt", &anna, None, None).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!((r["number"].as_str(), r["total"].as_u64(), r["vat"].as_u64()), (Some("K0000001"), Some(300), Some(0)));
}

#[tokio::test]
async fn check_in_opens_30_minutes_before_and_closes_at_the_start() {
    let (app, state) = setup().await;
    let erik = login(&app, &state, ERIK).await;
    let now = state.clock.now();
    set_clock(&app, Some(now)).await;
    let id = book(&app, ERIK, 60).await;
    let path = format!("/api/v1/visits/{id}/check-in");
    let (_, v) = call(&app, "GET", &format!("/api/v1/visits/{id}"), &erik, None, None).await;
    assert_eq!(v["checkIn"]["state"], "notYet");
    assert_eq!(v["checkIn"]["opensAt"], now + 30 * 60);
    let (s, e) = call(&app, "POST", &path, &erik, None, None).await;
    assert_eq!((s, e["code"].as_str()), (409, Some("check_in_not_open")));
    // 29 minutes before: open (31 minutes on, on the server's one clock: the idle session has
    // ended, a new one)
    set_clock(&app, Some(now + 31 * 60)).await;
    let erik = login(&app, &state, ERIK).await;
    let (s, v) = call(&app, "POST", &path, &erik, None, None).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (v["status"].as_str(), v["checkIn"]["state"].as_str(), v["amountDue"].as_u64()),
        (Some("checkedIn"), Some("done"), Some(300))
    );
    // twice is harmless
    let (s, again) = call(&app, "POST", &path, &erik, None, None).await;
    assert_eq!((s, again["status"].as_str()), (200, Some("checkedIn")));
    // another visit, after its start: closed
    let late = book(&app, ERIK, 10).await;
    set_clock(&app, Some(now + 42 * 60)).await;
    let (s, e) = call(&app, "POST", &format!("/api/v1/visits/{late}/check-in"), &erik, None, None).await;
    assert_eq!((s, e["code"].as_str()), (409, Some("check_in_closed")));
    set_clock(&app, None).await;
}

#[tokio::test]
async fn the_demo_has_a_visit_whose_check_in_opens_soon_after_start() {
    let (app, state) = setup().await;
    let now = ingang_server::system_millis() / 1000;
    let sara = login(&app, &state, SARA).await;
    let id = ingang_server::demo::DEMO_CHECK_IN;
    let (s, visit) = call(&app, "GET", &format!("/api/v1/visits/{id}"), &sara, None, None).await;
    assert_eq!(s, 200, "{visit}");
    // check-in opens 30 minutes before: 10 to 15 minutes after start-up, whatever the hour
    let opens = visit["checkIn"]["opensAt"].as_i64().unwrap();
    assert!((now + 10 * 60..=now + 15 * 60).contains(&opens), "opens {} s after start", opens - now);
    assert_eq!(visit["checkIn"]["state"], "notYet");
    // once open, a newcomer checks in and sees the fee to pay
    // (up to 16 idle minutes on, on the server's one clock: a new session)
    set_clock(&app, Some(opens + 60)).await;
    let sara = login(&app, &state, SARA).await;
    let (s, done) = call(&app, "POST", &format!("/api/v1/visits/{id}/check-in"), &sara, None, None).await;
    assert_eq!((s, done["status"].as_str()), (200, Some("checkedIn")), "{done}");
    let (_, fee) = call(&app, "GET", &format!("/api/v1/visits/{id}/fee"), &sara, None, None).await;
    assert!(fee["total"].as_u64().is_some_and(|t| t > 0), "{fee}");
    set_clock(&app, None).await;
}

#[tokio::test]
async fn fees_children_frikort_and_the_ceiling() {
    let (app, state) = setup().await;
    let anna = login(&app, &state, ANNA).await;
    let sara = login(&app, &state, SARA).await;
    let kim = login(&app, &state, KIM).await;
    let (_, people) = call(&app, "GET", "/api/v1/me/people", &anna, None, None).await;
    let noah =
        people["people"].as_array().unwrap().iter().find(|p| p["givenName"] == "Noah").unwrap()["personalNumber"]
            .as_str()
            .unwrap()
            .replace('-', "");
    let child = book(&app, &noah, 10).await;
    let (_, fee) = call(&app, "GET", &format!("/api/v1/visits/{child}/fee"), &anna, None, None).await;
    assert_eq!((fee["total"].as_u64(), fee["lines"][1]["kind"].as_str()), (Some(0), Some("youngAge")), "{fee}");
    let (_, v) = call(&app, "POST", &format!("/api/v1/visits/{child}/check-in"), &anna, None, None).await;
    assert_eq!(v["status"], "checkedIn");
    assert!(v.get("amountDue").is_none());
    let (s, e) = call(
        &app,
        "POST",
        &format!("/api/v1/visits/{child}/payments"),
        &anna,
        Some("x"),
        Some(json!({"method": "card"})),
    )
    .await;
    assert_eq!((s, e["code"].as_str()), (409, Some("nothing_to_pay")));

    let until = state.clock.now() + 100 * 86_400;
    call(
        &app,
        "PUT",
        "/test/high-cost",
        "",
        None,
        Some(json!({"personalNumber": SARA, "paidBefore": 1450, "frikortUntil": until})),
    )
    .await;
    let frikort = book(&app, SARA, 10).await;
    let (_, fee) = call(&app, "GET", &format!("/api/v1/visits/{frikort}/fee"), &sara, None, None).await;
    assert_eq!((fee["total"].as_u64(), fee["lines"][1]["kind"].as_str()), (Some(0), Some("frikort")), "{fee}");
    assert!(fee["frikortUntil"].is_string());

    call(&app, "PUT", "/test/high-cost", "", None, Some(json!({"personalNumber": KIM, "paidBefore": 1300}))).await;
    let partial = book(&app, KIM, 10).await;
    let (_, fee) = call(&app, "GET", &format!("/api/v1/visits/{partial}/fee"), &kim, None, None).await;
    assert_eq!((fee["total"].as_u64(), fee["lines"][1]["amount"].as_i64()), (Some(150), Some(-150)), "{fee}");
    assert_eq!(fee["invoiceAddress"], "Skeppsbrogatan 7, 972 31 Luleå");
    // paid by invoice: 150 + 50; the period reaches the ceiling, so the next visit is free
    call(&app, "POST", &format!("/api/v1/visits/{partial}/check-in"), &kim, None, None).await;
    let (s, p) = call(
        &app,
        "POST",
        &format!("/api/v1/visits/{partial}/payments"),
        &kim,
        Some("i1"),
        Some(json!({"method": "invoice"})),
    )
    .await;
    assert_eq!(s, 201, "{p}");
    assert_eq!((p["status"].as_str(), p["total"].as_u64(), p["fee"].as_u64()), (Some("INVOICED"), Some(200), Some(50)));
    assert!(p["dueDate"].is_string());
    let next = book(&app, KIM, 20).await;
    let (_, fee) = call(&app, "GET", &format!("/api/v1/visits/{next}/fee"), &kim, None, None).await;
    assert_eq!((fee["total"].as_u64(), fee["paidInPeriod"].as_u64()), (Some(0), Some(1450)), "{fee}");
}

#[tokio::test]
async fn a_payment_is_created_once_and_a_visit_is_never_charged_twice() {
    let (app, state) = setup().await;
    let erik = login(&app, &state, ERIK).await;
    call(&app, "PUT", "/test/high-cost", "", None, Some(json!({"personalNumber": ERIK, "paidBefore": 0}))).await;
    let id = book(&app, ERIK, 10).await;
    let pay = format!("/api/v1/visits/{id}/payments");
    let (s, e) = call(&app, "POST", &pay, &erik, Some("a"), Some(json!({"method": "card"}))).await;
    assert_eq!((s, e["code"].as_str()), (409, Some("not_checked_in")));
    call(&app, "POST", &format!("/api/v1/visits/{id}/check-in"), &erik, None, None).await;
    let body = json!({"method": "card", "returnUrl": "http://app.test/bokade-tider/x"});
    let (s1, p1) = call(&app, "POST", &pay, &erik, Some("k1"), Some(body.clone())).await;
    let (s2, p2) = call(&app, "POST", &pay, &erik, Some("k1"), Some(body.clone())).await;
    assert_eq!((s1, s2), (201, 200));
    assert_eq!(p1["id"], p2["id"]);
    assert_eq!(p1["status"], "CREATED");
    let (s, _) = call(
        &app,
        "POST",
        &pay,
        &erik,
        Some("k9"),
        Some(json!({"method": "card", "returnUrl": "https://evil.example/"})),
    )
    .await;
    assert_eq!(s, 400);
    let pid = p1["id"].as_str().unwrap();
    assert_eq!(p1["redirectUrl"].as_str(), Some(format!("/test-pay/card/{pid}").as_str()));
    // declined card, then a new attempt that succeeds with the extra verification step
    assert_eq!(form(&app, &format!("/test-pay/card/{pid}"), "number=4000+0000+0000+0002&action=pay").await, 303);
    let (_, p) = call(&app, "GET", &format!("/api/v1/payments/{pid}"), &erik, None, None).await;
    assert_eq!(p["status"], "DECLINED");
    let (_, p3) = call(&app, "POST", &pay, &erik, Some("k2"), Some(body.clone())).await;
    let pid3 = p3["id"].as_str().unwrap();
    assert_eq!(form(&app, &format!("/test-pay/card/{pid3}"), "number=4000000000003220&action=pay").await, 200);
    assert_eq!(form(&app, &format!("/test-pay/card/{pid3}/verify"), "code=1234").await, 303);
    let (_, p) = call(&app, "GET", &format!("/api/v1/payments/{pid3}"), &erik, None, None).await;
    assert_eq!(p["status"], "PAID");
    // a third key cannot charge again
    let (s, e) = call(&app, "POST", &pay, &erik, Some("k3"), Some(json!({"method": "swish"}))).await;
    assert_eq!((s, e["code"].as_str()), (409, Some("already_paid")));
    let count: i64 = state
        .db
        .store(move |c| {
            c.query_row("SELECT COUNT(*) AS count FROM payments WHERE visit_id = ?1 AND status = 'PAID'", [id], |r| {
                r.get("count")
            })
        })
        .await
        .unwrap();
    assert_eq!(count, 1);
    let (s, r) = call(&app, "GET", &format!("/api/v1/payments/{pid3}/receipt"), &erik, None, None).await;
    assert_eq!((s, r["total"].as_u64(), r["method"].as_str()), (200, Some(300), Some("card")));
    // a declined payment has no receipt
    assert_eq!(call(&app, "GET", &format!("/api/v1/payments/{pid}/receipt"), &erik, None, None).await.0, 404);
}

#[tokio::test]
async fn a_payment_returns_only_to_the_app_whatever_its_return_address_says() {
    let (app, state) = setup().await;
    let erik = login(&app, &state, ERIK).await;
    let id = book(&app, ERIK, 10).await;
    call(&app, "POST", &format!("/api/v1/visits/{id}/check-in"), &erik, None, None).await;
    let pay = format!("/api/v1/visits/{id}/payments");
    for (n, evil) in
        ["/\t/evil.example/", "/\n/evil.example", "//evil.example", "/\\evil.example", "https:/evil.example"]
            .iter()
            .enumerate()
    {
        let body = json!({"method": "card", "returnUrl": evil});
        let (s, e) = call(&app, "POST", &pay, &erik, Some(&format!("e{n}")), Some(body)).await;
        assert_eq!((s, e["code"].as_str()), (400, Some("bad_request")), "{evil:?}");
    }
    // a path is stored as an absolute address on the app's origin, and the way back is there
    let body = json!({"method": "card", "returnUrl": "/bokade-tider/x"});
    let (_, p) = call(&app, "POST", &pay, &erik, Some("ok"), Some(body)).await;
    let pid = p["id"].as_str().unwrap().to_owned();
    let back = |pid: String| {
        let app = app.clone();
        async move {
            let req = Request::post(format!("/test-pay/card/{pid}"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from("action=cancel"))
                .unwrap();
            let res = send(&app, req).await;
            (res.status().as_u16(), header(&res, "location").to_owned())
        }
    };
    assert_eq!(back(pid.clone()).await, (303, format!("http://app.test/bokade-tider/x?betalning={pid}")));
    // an older row with a bad address (a newline): back to the visits, not a 500 or elsewhere
    for stored in ["/\n/evil.example", "//evil.example", "javascript:alert(1)"] {
        let (p2, s2) = (pid.clone(), stored.to_owned());
        state
            .db
            .store(move |c| c.execute("UPDATE payments SET return_url = ?2 WHERE id = ?1", [p2, s2]))
            .await
            .unwrap();
        let res = send(&app, Request::get(format!("/test-pay/card/{pid}")).body(Body::empty()).unwrap()).await;
        assert_eq!(res.status(), 303, "{stored:?}");
        assert_eq!(header(&res, "location"), format!("/bokade-tider?betalning={pid}"), "{stored:?}");
    }
}

/// Erik signed in, the server's clock fixed at `now`, and his visit in ten minutes checked in:
/// (app, state, Erik's cookie, now, the visit's id).
async fn erik_checked_in() -> (Router, AppState, String, i64, String) {
    let (app, state) = setup().await;
    let erik = login(&app, &state, ERIK).await;
    let now = state.clock.now();
    set_clock(&app, Some(now)).await;
    let id = book(&app, ERIK, 10).await;
    call(&app, "POST", &format!("/api/v1/visits/{id}/check-in"), &erik, None, None).await;
    (app, state, erik, now, id)
}

#[tokio::test]
async fn swish_requests_are_paid_declined_or_time_out() {
    let (app, _, erik, now, id) = erik_checked_in().await;
    let pay = format!("/api/v1/visits/{id}/payments");
    let (_, p) =
        call(&app, "POST", &pay, &erik, Some("s1"), Some(json!({"method": "swish", "returnUrl": "/bokade-tider"})))
            .await;
    assert!(p["swish"]["appUrl"].as_str().unwrap().starts_with("swish://paymentrequest?token="), "{p}");
    let pid = p["id"].as_str().unwrap().to_owned();
    assert_eq!(form(&app, "/test-swish", &format!("id={pid}&action=decline")).await, 303);
    let (_, p) = call(&app, "GET", &format!("/api/v1/payments/{pid}"), &erik, None, None).await;
    assert_eq!((p["status"].as_str(), p["errorCode"].as_str()), (Some("DECLINED"), Some("RF07")));
    // nobody answers: ERROR / TM01 after three minutes
    let (_, p) = call(&app, "POST", &pay, &erik, Some("s2"), Some(json!({"method": "swish"}))).await;
    let pid = p["id"].as_str().unwrap().to_owned();
    set_clock(&app, Some(now + 181)).await;
    let (_, p) = call(&app, "GET", &format!("/api/v1/payments/{pid}"), &erik, None, None).await;
    assert_eq!((p["status"].as_str(), p["errorCode"].as_str()), (Some("ERROR"), Some("TM01")));
    // a new request cancels a waiting one
    let (_, a) = call(&app, "POST", &pay, &erik, Some("s3"), Some(json!({"method": "swish"}))).await;
    let (_, b) = call(&app, "POST", &pay, &erik, Some("s4"), Some(json!({"method": "swish"}))).await;
    let (_, a) = call(&app, "GET", &format!("/api/v1/payments/{}", a["id"].as_str().unwrap()), &erik, None, None).await;
    assert_eq!(a["status"], "CANCELLED");
    assert_eq!(form(&app, "/test-swish", &format!("id={}&action=pay", b["id"].as_str().unwrap())).await, 303);
    let (_, v) = call(&app, "GET", &format!("/api/v1/visits/{id}"), &erik, None, None).await;
    assert_eq!(v["payment"]["method"], "swish");
    assert!(v.get("amountDue").is_none());
    set_clock(&app, None).await;
}

/// Swish can report PAID after we gave up on a request (we timed it out, or cancelled it on our
/// side when a new payment started): the money is taken. It settles a visit still unpaid, and
/// on a visit paid meanwhile it is kept with a refund due, listed for staff.
#[tokio::test]
async fn a_late_swish_payment_settles_the_visit_or_is_marked_for_refund() {
    let (app, state, erik, now, id) = erik_checked_in().await;
    let pay = format!("/api/v1/visits/{id}/payments");
    let get = |pid: &str| format!("/api/v1/payments/{pid}");
    // timed out by us, then paid at Swish: the visit's payment after all
    let (_, p) = call(&app, "POST", &pay, &erik, Some("late-1"), Some(json!({"method": "swish"}))).await;
    let late = p["id"].as_str().unwrap().to_owned();
    set_clock(&app, Some(now + 181)).await;
    assert_eq!(call(&app, "GET", &get(&late), &erik, None, None).await.1["errorCode"], "TM01");
    assert_eq!(form(&app, "/test-swish", &format!("id={late}&action=pay")).await, 303);
    let (_, p) = call(&app, "GET", &get(&late), &erik, None, None).await;
    assert_eq!(p["status"], "PAID", "{p}");
    let (_, v) = call(&app, "GET", &format!("/api/v1/visits/{id}"), &erik, None, None).await;
    assert_eq!(v["payment"]["method"], "swish");
    assert!(v.get("amountDue").is_none(), "{v}");
    let (s, e) = call(&app, "POST", &pay, &erik, Some("late-2"), Some(json!({"method": "swish"}))).await;
    assert_eq!((s, e["code"].as_str()), (409, Some("already_paid")), "never charged again");

    // a second visit: a Swish request replaced by an invoice, then paid at Swish anyway
    set_clock(&app, Some(now)).await;
    let other = book(&app, ERIK, 15).await;
    call(&app, "POST", &format!("/api/v1/visits/{other}/check-in"), &erik, None, None).await;
    let pay = format!("/api/v1/visits/{other}/payments");
    let (_, a) = call(&app, "POST", &pay, &erik, Some("twice-1"), Some(json!({"method": "swish"}))).await;
    let a = a["id"].as_str().unwrap().to_owned();
    let (_, b) = call(&app, "POST", &pay, &erik, Some("twice-2"), Some(json!({"method": "invoice"}))).await;
    assert_eq!(b["status"], "INVOICED");
    assert_eq!(call(&app, "GET", &get(&a), &erik, None, None).await.1["status"], "CANCELLED");
    assert_eq!(form(&app, "/test-swish", &format!("id={a}&action=pay")).await, 303);
    // the visit stays settled once (by the invoice); the money Swish took is to be paid back
    assert_eq!(call(&app, "GET", &get(&a), &erik, None, None).await.1["status"], "CANCELLED");
    let (_, v) = call(&app, "GET", &format!("/api/v1/visits/{other}"), &erik, None, None).await;
    assert_eq!(v["payment"]["method"], "invoice");
    let refund: Option<String> = state
        .db
        .store({
            let a = a.clone();
            move |conn| conn.query_row("SELECT refund FROM payments WHERE id = ?1", [a], |r| r.get("refund"))
        })
        .await
        .unwrap();
    assert_eq!(refund.as_deref(), Some("due"));
    // the same PAID again (a repeated callback) changes nothing: not its time, not the visit
    let paid_at = |state: &ingang_server::AppState, a: String| {
        let db = state.db.clone();
        async move {
            db.store(move |conn| {
                conn.query_row("SELECT paid_at FROM payments WHERE id = ?1", [a], |r| r.get::<i64>("paid_at"))
            })
            .await
            .unwrap()
        }
    };
    let first = paid_at(&state, a.clone()).await;
    set_clock(&app, Some(now + 60)).await;
    form(&app, "/test-swish", &format!("id={a}&action=pay")).await;
    assert_eq!(paid_at(&state, a.clone()).await, first);
    set_clock(&app, Some(now)).await;
    let staff = staff_cookie(&app).await;
    let page = html(&app, &staff, "/staff/besok").await;
    assert!(page.contains(&format!("data-refund=\"{a}\"")) && page.contains("Att betala tillbaka"), "{page}");
    // and the visit is not charged again
    let (_, d) = call(
        &app,
        "POST",
        &format!("/api/v1/visits/{other}/payments"),
        &erik,
        Some("twice-3"),
        Some(json!({"method": "swish"})),
    )
    .await;
    assert_eq!(d["code"], "already_paid");
    set_clock(&app, None).await;
}

#[tokio::test]
async fn cancel_and_reschedule_follow_the_units_rules() {
    let (app, state) = setup().await;
    let anna = login(&app, &state, ANNA).await;
    let erik = login(&app, &state, ERIK).await;
    let (_, slots) = call(&app, "GET", "/api/v1/visits/demo-anna-lakare/slots", &anna, None, None).await;
    let slot = slots["slots"][0].clone();
    assert!(slot["id"].is_string(), "{slots}");
    let body = json!({ "slotId": slot["id"] });
    let (s, v) =
        call(&app, "POST", "/api/v1/visits/demo-anna-lakare/reschedule", &anna, None, Some(body.clone())).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["startsAt"], slot["startsAt"]);
    // the same move again is harmless; the slot is no longer offered
    assert_eq!(
        call(&app, "POST", "/api/v1/visits/demo-anna-lakare/reschedule", &anna, None, Some(body.clone())).await.0,
        200
    );
    let (_, slots) = call(&app, "GET", "/api/v1/visits/demo-anna-lakare/slots", &anna, None, None).await;
    assert!(slots["slots"].as_array().unwrap().iter().all(|s| s["id"] != slot["id"]));
    // Folktandvården does not let patients move visits themselves: cancel only
    let (_, dental) = call(
        &app,
        "POST",
        "/test/visits",
        "",
        None,
        Some(json!({ "personalNumber": ERIK, "unitId": "ftv-lulea", "startsInMinutes": 5 * 24 * 60 })),
    )
    .await;
    let (_, v) =
        call(&app, "GET", &format!("/api/v1/visits/{}", dental["id"].as_str().unwrap()), &erik, None, None).await;
    assert_eq!((v["canCancel"].as_bool(), v["canReschedule"].as_bool()), (Some(true), Some(false)));
    // the video visit cannot take a clinic slot
    assert_eq!(call(&app, "POST", "/api/v1/visits/demo-anna-video/reschedule", &anna, None, Some(body)).await.0, 404);

    // a visit within 24 hours: cancelling costs the missed-visit fee
    let soon = book(&app, ERIK, 120).await;
    let (_, v) = call(&app, "GET", &format!("/api/v1/visits/{soon}"), &erik, None, None).await;
    assert_eq!((v["canReschedule"].as_bool(), v["cancelPolicy"]["lateFee"].as_u64()), (Some(false), Some(400)));
    let (s, v) = call(&app, "POST", &format!("/api/v1/visits/{soon}/cancel"), &erik, None, None).await;
    assert_eq!((s, v["status"].as_str(), v["lateCancelFee"].as_u64()), (200, Some("cancelled"), Some(400)));
    assert_eq!(call(&app, "POST", &format!("/api/v1/visits/{soon}/cancel"), &erik, None, None).await.0, 200);
    let (_, list) = call(&app, "GET", "/api/v1/visits", &erik, None, None).await;
    assert!(list["past"].as_array().unwrap().iter().any(|v| v["id"] == soon.as_str()));
    // in time: free
    let (s, v) = call(&app, "POST", "/api/v1/visits/demo-anna-video/cancel", &anna, None, None).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("cancelled")));
    assert!(v.get("lateCancelFee").is_none());
}

#[tokio::test]
async fn the_reminder_sms_links_to_check_in_once() {
    let (app, state) = setup().await;
    let erik = login(&app, &state, ERIK).await;
    allow_sms(&app, &erik).await;
    let now = state.clock.now();
    // the demo's own visit soon after start-up (Sara's check-in) has its reminder first
    set_clock(&app, Some(now)).await;
    let id = book(&app, ERIK, 150).await;
    assert_eq!(set_clock(&app, Some(now)).await["remindersSent"], 0);
    assert_eq!(set_clock(&app, Some(now + 31 * 60)).await["remindersSent"], 1);
    assert_eq!(set_clock(&app, Some(now + 32 * 60)).await["remindersSent"], 0);
    let rows: Vec<(String, String)> = state
        .db
        .store(move |c| {
            let mut st = c.prepare("SELECT to_number, body FROM sms_outbox WHERE visit_id = ?1")?;
            let rows = st.query_map([id], |r| Ok((r.get("to_number")?, r.get("body")?)))?;
            rows.collect()
        })
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, "+46701234567");
    assert!(rows[0].1.contains("/bokade-tider/"), "{}", rows[0].1);
    // the unit's own window: from 30 minutes before a visit 150 minutes away
    let opens = ingang_server::domain::visits::stockholm_hhmm(now + 120 * 60);
    assert!(rows[0].1.contains(&format!("Checka in och betala från kl {opens}")), "{}", rows[0].1);
    set_clock(&app, None).await;
}

#[tokio::test]
async fn a_kiosk_checks_in_one_person_with_bankid_and_keeps_no_session() {
    let (app, state) = setup().await;
    let (s, e) = call(
        &app,
        "POST",
        "/api/v1/kiosk/check-ins",
        "",
        None,
        Some(json!({"unitId": "hc-gibraltar", "personalNumber": "19800113-9298"})),
    )
    .await;
    assert_eq!((s, e["code"].as_str()), (400, Some("invalid_personal_number")));
    // a morning (Stockholm time): a visit in 10 minutes is today's whenever the test runs
    let now = state.clock.now();
    let tomorrow = (now + ingang_api::visits::stockholm_offset(now)).div_euclid(86_400) + 1;
    state.clock.set(Some(ingang_api::visits::stockholm_to_unix(tomorrow, 8 * 60)));
    let id = book(&app, ERIK, 10).await;
    let start = || json!({"unitId": "hc-gibraltar", "personalNumber": "197905041237"});
    let sim = state.bankid_sim.clone().unwrap();

    // somebody else's BankID does not identify Erik
    let (s, k) = call(&app, "POST", "/api/v1/kiosk/check-ins", "", None, Some(start())).await;
    assert_eq!(s, 201);
    assert!(k["qr"].as_str().unwrap().starts_with("bankid."));
    sign_newest(&sim, ingang_server::demo::identity(SARA).expect("a demo identity")).await;
    let bearer = format!("Bearer {}", k["token"].as_str().unwrap());
    let (_, k2) =
        call(&app, "GET", &format!("/api/v1/kiosk/check-ins/{}", k["id"].as_str().unwrap()), &bearer, None, None).await;
    assert_eq!((k2["state"].as_str(), k2["hintCode"].as_str()), (Some("failed"), Some("wrongPerson")));

    let (_, k) = call(&app, "POST", "/api/v1/kiosk/check-ins", "", None, Some(start())).await;
    let kid = k["id"].as_str().unwrap().to_owned();
    let bearer = format!("Bearer {}", k["token"].as_str().unwrap());
    // before BankID the token reaches nothing
    assert_eq!(call(&app, "POST", &format!("/api/v1/visits/{id}/check-in"), &bearer, None, None).await.0, 401);
    sign_newest(&sim, ingang_server::demo::identity(ERIK).expect("a demo identity")).await;
    let (_, k) = call(&app, "GET", &format!("/api/v1/kiosk/check-ins/{kid}"), &bearer, None, None).await;
    assert_eq!(k["state"], "identified", "{k}");
    assert_eq!(k["givenName"], "Erik");
    assert!(k["visits"].as_array().unwrap().iter().any(|v| v["id"] == id.as_str()));
    let (s, v) = call(&app, "POST", &format!("/api/v1/visits/{id}/check-in"), &bearer, None, None).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("checkedIn")));
    // the waiting room's screen is public: the fee without the home address (Erik's own app has it)
    let (s, fee) = call(&app, "GET", &format!("/api/v1/visits/{id}/fee"), &bearer, None, None).await;
    assert_eq!(s, 200);
    assert!(fee.get("invoiceAddress").is_none(), "{fee}");
    let erik = login(&app, &state, ERIK).await;
    let (_, fee) = call(&app, "GET", &format!("/api/v1/visits/{id}/fee"), &erik, None, None).await;
    assert!(fee["invoiceAddress"].is_string(), "{fee}");
    // only Erik's visits at this unit, nothing else of the API
    assert_eq!(call(&app, "GET", "/api/v1/visits/demo-anna-lakare", &bearer, None, None).await.0, 404);
    assert_eq!(call(&app, "GET", "/api/v1/visits/demo-erik-telefon", &bearer, None, None).await.0, 404);
    assert_eq!(call(&app, "POST", &format!("/api/v1/visits/{id}/cancel"), &bearer, None, None).await.0, 404);
    assert_eq!(call(&app, "GET", "/api/v1/cases", &bearer, None, None).await.0, 401);
    // ending needs the token: without it 401, with another one nothing ends
    let (s, e) = call(&app, "DELETE", &format!("/api/v1/kiosk/check-ins/{kid}"), "", None, None).await;
    assert_eq!((s, e["code"].as_str()), (401, Some("unauthorized")));
    let other = "Bearer not-the-token";
    assert_eq!(call(&app, "DELETE", &format!("/api/v1/kiosk/check-ins/{kid}"), other, None, None).await.0, 204);
    assert_eq!(call(&app, "GET", &format!("/api/v1/visits/{id}"), &bearer, None, None).await.0, 200);
    // ended: the token is dead
    assert_eq!(call(&app, "DELETE", &format!("/api/v1/kiosk/check-ins/{kid}"), &bearer, None, None).await.0, 204);
    assert_eq!(call(&app, "GET", &format!("/api/v1/visits/{id}"), &bearer, None, None).await.0, 401);
}

async fn person(app: &Router, cookie: &str, given: &str) -> String {
    let (_, people) = call(app, "GET", "/api/v1/me/people", cookie, None, None).await;
    people["people"].as_array().unwrap().iter().find(|p| p["givenName"] == given).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Self-booking: what a unit opens, its free times, and a booking made once whatever the
/// retries, for whom the user may book, then in Bokade tider like any visit.
#[tokio::test]
async fn a_patient_books_a_free_time_once_and_only_for_whom_they_may() {
    let (app, state) = setup().await;
    let (status, types) = call(&app, "GET", "/api/v1/units/hc-gibraltar/booking", "", None, None).await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = types["types"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"provtagning") && ids.contains(&"blodtryck"), "{types}");
    // a unit with booking but nothing opened to patients; a unit that does not exist
    assert_eq!(call(&app, "GET", "/api/v1/units/um-lulea/booking", "", None, None).await.1, json!({ "types": [] }));
    assert_eq!(call(&app, "GET", "/api/v1/units/finns-inte/booking", "", None, None).await.0, 404);

    let (status, free) =
        call(&app, "GET", "/api/v1/units/hc-gibraltar/booking/provtagning/slots", "", None, None).await;
    assert_eq!(status, 200);
    let free = free["slots"].as_array().unwrap().clone();
    assert!(!free.is_empty());
    let now = state.clock.now();
    for s in &free {
        assert_eq!(s["kind"], "clinic");
        assert!(s["startsAt"].as_i64().unwrap() >= now + 3600, "{s}");
        assert_eq!(s["endsAt"].as_i64().unwrap() - s["startsAt"].as_i64().unwrap(), 15 * 60, "the type's length");
    }
    let slot = free[0]["id"].as_str().unwrap().to_owned();

    let erik = login(&app, &state, ERIK).await;
    let erik_id = person(&app, &erik, "Erik").await;
    let booking = |person: &str, kind: &str, slot: &str| json!({ "personId": person, "unitId": "hc-gibraltar", "typeId": kind, "slotId": slot });
    // no key, no session: refused
    assert_eq!(
        call(&app, "POST", "/api/v1/visits", &erik, None, Some(booking(&erik_id, "provtagning", &slot))).await.0,
        400
    );
    assert_eq!(
        call(&app, "POST", "/api/v1/visits", "", Some("k"), Some(booking(&erik_id, "provtagning", &slot))).await.0,
        401
    );
    let (status, visit) =
        call(&app, "POST", "/api/v1/visits", &erik, Some("erik-1"), Some(booking(&erik_id, "provtagning", &slot)))
            .await;
    assert_eq!(status, 201, "{visit}");
    assert_eq!(visit["title"], "Provtagning");
    assert_eq!(visit["status"], "booked");
    assert!(visit.get("checkIn").is_some(), "a booked visit has its check-in: {visit}");
    // the same key again (a lost answer): the same visit, nothing new
    let (status, again) =
        call(&app, "POST", "/api/v1/visits", &erik, Some("erik-1"), Some(booking(&erik_id, "provtagning", &slot)))
            .await;
    assert_eq!((status, &again["id"]), (200, &visit["id"]));
    let (_, list) = call(&app, "GET", "/api/v1/visits", &erik, None, None).await;
    let mine = list["upcoming"].as_array().unwrap().iter().filter(|v| v["id"] == visit["id"]).count();
    assert_eq!(mine, 1, "{list}");
    // the time is no longer free; a second coming visit of the type is refused
    let (_, free_now) = call(&app, "GET", "/api/v1/units/hc-gibraltar/booking/provtagning/slots", "", None, None).await;
    assert!(free_now["slots"].as_array().unwrap().iter().all(|s| s["id"] != slot.as_str()));
    let other = free_now["slots"][0]["id"].as_str().unwrap().to_owned();
    let (status, body) =
        call(&app, "POST", "/api/v1/visits", &erik, Some("erik-2"), Some(booking(&erik_id, "provtagning", &other)))
            .await;
    assert_eq!((status, body["code"].as_str()), (409, Some("already_booked")));

    // someone else: cannot take the same time, cannot see the visit, cannot book for Erik
    let sara = login(&app, &state, SARA).await;
    let sara_id = person(&app, &sara, "Sara").await;
    let (status, body) =
        call(&app, "POST", "/api/v1/visits", &sara, Some("sara-1"), Some(booking(&sara_id, "blodtryck", &slot))).await;
    assert_eq!((status, body["code"].as_str()), (409, Some("slot_taken")));
    let uri = format!("/api/v1/visits/{}", visit["id"].as_str().unwrap());
    assert_eq!(call(&app, "GET", &uri, &sara, None, None).await.0, 404);
    assert_eq!(
        call(&app, "POST", "/api/v1/visits", &sara, Some("sara-2"), Some(booking(&erik_id, "blodtryck", &other)))
            .await
            .0,
        404
    );
    // a guardian books for a child up to 12, not for a 14-year-old (the child's own from 13)
    let anna = login(&app, &state, ANNA).await;
    let (noah, elsa) = (person(&app, &anna, "Noah").await, person(&app, &anna, "Elsa").await);
    let (status, _) =
        call(&app, "POST", "/api/v1/visits", &anna, Some("anna-1"), Some(booking(&noah, "provtagning", &other))).await;
    assert_eq!(status, 201);
    let third = free_now["slots"][1]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        call(&app, "POST", "/api/v1/visits", &anna, Some("anna-2"), Some(booking(&elsa, "provtagning", &third)))
            .await
            .0,
        404
    );
    // a slot of another kind (video) does not take a clinic type
    let (_, video) =
        call(&app, "GET", "/api/v1/units/hc-gibraltar/booking/videoradgivning/slots", "", None, None).await;
    let video_slot = video["slots"][0]["id"].as_str().unwrap().to_owned();
    let (status, _) =
        call(&app, "POST", "/api/v1/visits", &sara, Some("sara-3"), Some(booking(&sara_id, "blodtryck", &video_slot)))
            .await;
    assert_eq!(status, 404);
}

/// The region's own texts follow the app's language (`Accept-Language`) where the region has a
/// translation (`translations`): a visit's title, clinician and what to bring, a bookable type's
/// title and description, and the receipt's visit; Swedish otherwise.
#[tokio::test]
async fn visits_and_bookable_types_follow_accept_language() {
    let (app, state) = demo_app().await;
    let cookie = login(&app, &state, ANNA).await;
    let get_in = |uri: &'static str, lang: Option<&'static str>| {
        let mut req = Request::get(uri).header("cookie", &cookie);
        if let Some(lang) = lang {
            req = req.header("accept-language", lang);
        }
        let app = app.clone();
        let req = req.body(Body::empty()).unwrap();
        async move { body_json(send(&app, req).await).await }
    };
    let doctor = |list: &Value| {
        list["upcoming"].as_array().unwrap().iter().find(|v| v["id"] == "demo-anna-lakare").unwrap().clone()
    };
    let sv = doctor(&get_in("/api/v1/visits", None).await);
    assert_eq!(sv["title"], "Läkarbesök");
    assert_eq!(sv["bring"], json!(["Legitimation", "Lista över mediciner du tar"]));
    let en = doctor(&get_in("/api/v1/visits", Some("en-GB,en;q=0.9")).await);
    assert_eq!(en["title"], "Doctor's appointment");
    assert_eq!(en["clinician"], "Omar Haddad, doctor");
    assert_eq!(en["bring"], json!(["Identification", "A list of the medicines you take"]));
    let ar = get_in("/api/v1/visits/demo-anna-lakare", Some("ar")).await;
    assert_eq!(ar["title"], "موعد مع الطبيب");
    // a language the region has no translation in: as written
    let de = doctor(&get_in("/api/v1/visits", Some("de")).await);
    assert_eq!(de["title"], "Läkarbesök");
    let types = get_in("/api/v1/units/hc-kalix/booking", Some("fi")).await;
    let phone = types["types"].as_array().unwrap().iter().find(|t| t["id"] == "telefon-ssk").unwrap().clone();
    assert_eq!(phone["title"], "Puhelu sairaanhoitajan kanssa");
    assert_eq!(phone["description"], "Sairaanhoitaja soittaa sinulle.");
}

/// Every text of the demo's visits and bookable types has English, Finnish and Arabic.
#[test]
fn every_demo_visit_text_is_translated() {
    let phrases: Vec<&str> = ingang_server::demo::PHRASES.iter().map(|p| p.0).collect();
    for text in ingang_server::demo::visit_texts() {
        assert!(phrases.contains(&text) || text == "BankID", "{text} has no translation");
    }
}

/// The notices the server sends on its own are written in the resident's language: the app's
/// language as its last request said (saved contact details, the session check, keep-alive).
#[tokio::test]
async fn notices_are_written_in_the_residents_language() {
    let (app, state) = demo_app().await;
    let anna = login(&app, &state, ANNA).await;
    allow_sms(&app, &anna).await;
    let reminder = |lang: Option<&'static str>| {
        let (app, state, anna) = (app.clone(), state.clone(), anna.clone());
        async move {
            if let Some(lang) = lang {
                let req = Request::get("/api/v1/session")
                    .header("cookie", &anna)
                    .header("accept-language", lang)
                    .body(Body::empty())
                    .unwrap();
                assert_eq!(send(&app, req).await.status(), 200);
            }
            state
                .db
                .store(|conn| {
                    conn.execute("DELETE FROM sms_outbox", ingang_server::params![])?;
                    conn.execute(
                        "UPDATE visits SET reminder_sent_at = NULL WHERE id = 'demo-anna-lakare'",
                        ingang_server::params![],
                    )?;
                    let starts: i64 = conn.query_row(
                        "SELECT starts_at FROM visits WHERE id = 'demo-anna-lakare'",
                        ingang_server::params![],
                        |r| r.get("starts_at"),
                    )?;
                    ingang_server::domain::visits::send_reminders(conn, starts - 3600, "https://ingang.example")?;
                    conn.query_row(
                        "SELECT body FROM sms_outbox WHERE visit_id = 'demo-anna-lakare'",
                        ingang_server::params![],
                        |r| r.get("body"),
                    )
                })
                .await
                .unwrap()
        }
    };
    let sv: String = reminder(None).await;
    assert!(sv.starts_with("Ingång: Påminnelse om din bokade tid"), "{sv}");
    let ar: String = reminder(Some("ar")).await;
    assert!(ar.starts_with("Ingång: تذكير بموعدك"), "{ar}");
    assert!(ar.ends_with("https://ingang.example/bokade-tider/demo-anna-lakare"), "{ar}");
    let en: String = reminder(Some("en-GB, en;q=0.9")).await;
    assert!(en.starts_with("Ingång: A reminder of your appointment today at "), "{en}");
    // a language the server has no notices in: Swedish
    let sv_again: String = reminder(Some("so")).await;
    assert!(sv_again.starts_with("Ingång: Påminnelse"), "{sv_again}");
}

/// A card provider's adapter as the server uses it (`cards.rs`): its hosted page, its verdict
/// when the app asks, and a cancel.
#[derive(Default)]
struct Acquirer {
    verdict: std::sync::Mutex<Option<(ingang_api::visits::PaymentStatus, Option<String>)>>,
    started: std::sync::Mutex<Vec<(String, u32, String)>>,
    cancelled: std::sync::Mutex<Vec<String>>,
}

impl ingang_server::cards::CardProvider for Acquirer {
    fn start<'a>(
        &'a self,
        id: &'a str,
        amount: u32,
        back: &'a str,
    ) -> ingang_server::bankid::BoxFuture<'a, Result<String, ingang_server::cards::CardError>> {
        self.started.lock().unwrap().push((id.into(), amount, back.into()));
        Box::pin(async move { Ok(format!("https://pay.acquirer.example/hpp/{id}")) })
    }
    fn status<'a>(
        &'a self,
        _: &'a str,
    ) -> ingang_server::bankid::BoxFuture<
        'a,
        Result<(ingang_api::visits::PaymentStatus, Option<String>), ingang_server::cards::CardError>,
    > {
        let verdict = self.verdict.lock().unwrap().clone();
        Box::pin(async move { Ok(verdict.unwrap_or((ingang_api::visits::PaymentStatus::Created, None))) })
    }
    fn cancel<'a>(
        &'a self,
        id: &'a str,
    ) -> ingang_server::bankid::BoxFuture<'a, Result<(), ingang_server::cards::CardError>> {
        self.cancelled.lock().unwrap().push(id.into());
        Box::pin(async { Ok(()) })
    }
    fn refund<'a>(
        &'a self,
        _: &'a str,
        _: u32,
    ) -> ingang_server::bankid::BoxFuture<'a, Result<(), ingang_server::cards::CardError>> {
        Box::pin(async { Ok(()) })
    }
}

#[tokio::test]
async fn a_card_provider_gives_its_page_its_verdict_and_its_cancel() {
    let db = ingang_server::db::Db::open_for_test(module_path!()).unwrap();
    db.store(ingang_server::demo::seed).await.unwrap();
    let mut state = AppState::new(db, true);
    let acquirer = std::sync::Arc::new(Acquirer::default());
    state.cards = Some(acquirer.clone());
    let app = ingang_server::app(state.clone(), &ingang_server::Config { demo: true, ..Default::default() });
    let erik = login(&app, &state, ERIK).await;
    let id = book(&app, ERIK, 10).await;
    call(&app, "POST", &format!("/api/v1/visits/{id}/check-in"), &erik, None, None).await;
    let pay = format!("/api/v1/visits/{id}/payments");
    let body = json!({ "method": "card", "returnUrl": "http://app.test/bokade-tider" });
    let (_, first) = call(&app, "POST", &pay, &erik, Some("c1"), Some(body.clone())).await;
    let first_id = first["id"].as_str().unwrap().to_owned();
    assert_eq!(first["redirectUrl"], format!("https://pay.acquirer.example/hpp/{first_id}"));
    let (fid, amount, back) = acquirer.started.lock().unwrap()[0].clone();
    assert_eq!((fid.as_str(), amount, back.as_str()), (first_id.as_str(), 300, "http://app.test/bokade-tider"));
    // the user gives up: cancelled here and at the provider
    call(&app, "POST", &format!("/api/v1/payments/{first_id}/cancel"), &erik, None, None).await;
    assert_eq!(*acquirer.cancelled.lock().unwrap(), vec![first_id.clone()]);
    // a new attempt; while the user is on the page the provider says CREATED; then PAID
    let (_, p) = call(&app, "POST", &pay, &erik, Some("c2"), Some(body)).await;
    let pid = p["id"].as_str().unwrap().to_owned();
    let (_, waiting) = call(&app, "GET", &format!("/api/v1/payments/{pid}"), &erik, None, None).await;
    assert_eq!(waiting["status"], "CREATED");
    *acquirer.verdict.lock().unwrap() = Some((ingang_api::visits::PaymentStatus::Paid, None));
    let (_, paid) = call(&app, "GET", &format!("/api/v1/payments/{pid}"), &erik, None, None).await;
    assert_eq!((paid["status"].as_str(), paid["redirectUrl"].as_str()), (Some("PAID"), None), "{paid}");
    assert_eq!(call(&app, "GET", &format!("/api/v1/payments/{pid}/receipt"), &erik, None, None).await.0, 200);
}

/// The reminder task runs in every server process: two on one database file, at the same
/// moment, queue each reminder once (the visit is claimed in the transaction that queues it).
#[tokio::test]
async fn two_processes_queue_each_reminder_once() {
    use ingang_server::{Config, app, db::Db, demo};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ingang.sqlite");
    let one = Db::open_at_for_test(&path).unwrap();
    one.store(demo::seed).await.unwrap();
    let two = Db::open_at_for_test(&path).unwrap();
    let state = AppState::new(one.clone(), true);
    let app = app(state.clone(), &Config { demo: true, ..Config::default() });
    let anna = login(&app, &state, ANNA).await;
    allow_sms(&app, &anna).await;
    let starts: i64 = one
        .store(|c| {
            c.query_row("SELECT starts_at FROM visits WHERE id = 'demo-anna-lakare'", ingang_server::params![], |r| {
                r.get("starts_at")
            })
        })
        .await
        .unwrap();
    let task = |db: Db| async move {
        db.store(move |c| ingang_server::domain::visits::send_reminders(c, starts - 3600, "https://ingang.example"))
            .await
    };
    for round in 1..=20_i64 {
        one.store(|c| {
            c.execute(
                "UPDATE visits SET reminder_sent_at = NULL WHERE id = 'demo-anna-lakare'",
                ingang_server::params![],
            )
        })
        .await
        .unwrap();
        let (a, b) = tokio::join!(task(one.clone()), task(two.clone()));
        a.unwrap();
        b.unwrap();
        let queued: i64 = one
            .store(|c| {
                c.query_row(
                    "SELECT COUNT(*) AS count FROM sms_outbox WHERE visit_id = 'demo-anna-lakare'",
                    ingang_server::params![],
                    |r| r.get("count"),
                )
            })
            .await
            .unwrap();
        assert_eq!(queued, round, "one reminder per round, not one per process");
    }
}
