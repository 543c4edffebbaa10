//! Code splitting: the first load holds the frame, the router and the signed-out start page;
//! the app chunk ([`app`]: the session, the header's signed-in part and the route tree) comes
//! with any other route or a session, and every area of the app is one wasm chunk per screen
//! family, fetched when one of its routes is first entered. Screens used together share a chunk
//! (a family); what only some moments need (paying, a QR code, FHIRPath) is a chunk of its own.
//!
//! With the `split` feature (only `cargo xtask dist`/`demo`/`test` turn it on, see
//! `xtask/src/wasm.rs`) each family function below is a `wasm_split` point: its code, and the
//! code only it reaches, leaves the main module. Without the feature (`trunk serve`, clippy,
//! host tests) the same functions are plain `async fn`s in one module.
//!
//! A chunk that cannot be fetched (offline on a first visit, an old version gone from the
//! server during a deploy) is a [`ChunkError`], shown by [`Lazy`] as a Swedish message with
//! "Försök igen": never a panic or a dead app. The service worker precaches every chunk of the
//! current version after install, so after the first visit every route opens offline.

use leptos::prelude::*;

use crate::{
    components::{answers::SentArgs, page::Page},
    i18n::use_i18n,
    pages::{
        accessibility::AccessibilityPage,
        cases::{CasePage, CasesPage},
        contact::ContactPage,
        eservices::{EServicesPage, errand::ErrandPage, form::EServiceFormPage, unit::UnitEServicesPage},
        inbox::{InboxPage, message::MessagePage},
        kiosk::KioskApp,
        login::LoginPage,
        preview::PreviewPage,
        seek_care::{
            SeekCarePage,
            flow::{DescribePage, ReviewPage, RulesPage, SymptomFormPage, UnitPage, WhomPage},
        },
        settings::SettingsPage,
        visits::{
            VisitsPage,
            book::BookPage,
            payment::{PaymentArgs, PaymentPanel},
            receipt::ReceiptPage,
            visit::VisitPage,
        },
    },
    t,
};

/// Every screen whose code is loaded with its route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Login,
    SeekCare,
    Rules,
    Whom,
    Unit,
    Describe,
    SymptomForm,
    Review,
    Contact,
    Settings,
    Cases,
    Case,
    Visits,
    Visit,
    Book,
    Receipt,
    Inbox,
    Message,
    EServices,
    UnitEServices,
    EServiceForm,
    Errand,
    Accessibility,
    Preview,
    Kiosk,
}

/// The chunks: screens that are used together, and so load together, cut along what they need
/// (a list does not carry the questionnaire renderer). The splitter gives every combination of
/// families that shares code a module of its own, so each family more multiplies the small
/// shared files a route fetches: a family is added for bytes that a route would otherwise load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// Light pages around the account: BankID log-in, contact details, settings and the
    /// accessibility statement.
    Account,
    /// Seeking care: units, the request's steps and the questionnaire renderer.
    Care,
    /// Mina ärenden: the list.
    Cases,
    /// A case with its chat and pictures.
    Conversation,
    /// An e-service errand with its messages. Apart from a case: each is opened alone (from
    /// the list or a notification), and a chunk for both carried each one's code to the other
    /// (what they share, pictures and drafts, is in the splitter's shared chunks).
    Errand,
    /// Booked visits, check-in, booking and receipts (paying is a chunk of its own: [`Payment`]).
    Visits,
    /// E-services and the inbox: the lists, a unit's services and a message's text.
    EServices,
    /// Every screen that renders a questionnaire: the symptom form and its review, an
    /// e-service's form, a message that asks for answers and the form preview. The renderer and
    /// what only it needs stay out of the lists and steps around them.
    Forms,
    /// The waiting-room tablet.
    Kiosk,
}

impl Screen {
    #[cfg(test)]
    pub const ALL: [Screen; 25] = [
        Screen::Login,
        Screen::SeekCare,
        Screen::Rules,
        Screen::Whom,
        Screen::Unit,
        Screen::Describe,
        Screen::SymptomForm,
        Screen::Review,
        Screen::Contact,
        Screen::Settings,
        Screen::Cases,
        Screen::Case,
        Screen::Visits,
        Screen::Visit,
        Screen::Book,
        Screen::Receipt,
        Screen::Inbox,
        Screen::Message,
        Screen::EServices,
        Screen::UnitEServices,
        Screen::EServiceForm,
        Screen::Errand,
        Screen::Accessibility,
        Screen::Preview,
        Screen::Kiosk,
    ];

    /// The screen of an address of the route tree (`app.rs`), to fetch its chunk beside the
    /// app chunk ([`prefetch`]); `None` for `/`, the kiosk and an address no screen has. A test
    /// holds it to the route tree.
    pub fn at(path: &str) -> Option<Screen> {
        // `:` stands for one segment (an id); a table is less code than a match
        const ROUTES: [(&str, Screen); 24] = [
            ("/sok-vard", Screen::SeekCare),
            ("/sok-vard/ny", Screen::Rules),
            ("/sok-vard/ny/vem", Screen::Whom),
            ("/sok-vard/ny/mottagning", Screen::Unit),
            ("/sok-vard/ny/beskriv", Screen::Describe),
            ("/sok-vard/ny/besvar/:", Screen::SymptomForm),
            ("/sok-vard/ny/granska", Screen::Review),
            ("/kontaktuppgifter", Screen::Contact),
            ("/arenden", Screen::Cases),
            ("/arenden/:", Screen::Case),
            ("/bokade-tider", Screen::Visits),
            ("/boka-tid", Screen::Book),
            ("/bokade-tider/:", Screen::Visit),
            ("/kvitto/:", Screen::Receipt),
            ("/inkorg", Screen::Inbox),
            ("/inkorg/:", Screen::Message),
            ("/e-tjanster", Screen::EServices),
            ("/e-tjanster/:", Screen::UnitEServices),
            ("/e-tjanster/:/:", Screen::EServiceForm),
            ("/e-arende/:", Screen::Errand),
            ("/installningar", Screen::Settings),
            ("/tillganglighet", Screen::Accessibility),
            ("/forhandsgranska", Screen::Preview),
            ("/logga-in", Screen::Login),
        ];
        let path = path.trim_end_matches('/');
        let fits = |pattern: &str| {
            let (mut want, mut have) = (pattern.split('/'), path.split('/'));
            loop {
                match (want.next(), have.next()) {
                    (None, None) => return true,
                    (Some(w), Some(h)) if w == h || (w == ":" && !h.is_empty()) => {}
                    _ => return false,
                }
            }
        };
        ROUTES.iter().find(|(pattern, _)| fits(pattern)).map(|(_, screen)| *screen)
    }

    /// The chunk a screen's code is in.
    pub const fn family(self) -> Family {
        match self {
            Screen::Login | Screen::Contact | Screen::Settings | Screen::Accessibility => Family::Account,
            Screen::SeekCare | Screen::Rules | Screen::Whom | Screen::Unit | Screen::Describe => Family::Care,
            // a conversation (chat, pictures, an errand's messages) is more code than the list
            // it is opened from: the list's route does not fetch it
            Screen::Cases => Family::Cases,
            Screen::Case => Family::Conversation,
            Screen::Errand => Family::Errand,
            Screen::Visits | Screen::Visit | Screen::Book | Screen::Receipt => Family::Visits,
            Screen::Inbox | Screen::EServices | Screen::UnitEServices => Family::EServices,
            Screen::SymptomForm | Screen::Review | Screen::EServiceForm | Screen::Message | Screen::Preview => {
                Family::Forms
            }
            Screen::Kiosk => Family::Kiosk,
        }
    }
}

/// A chunk could not be fetched or instantiated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChunkError;

#[cfg(feature = "split")]
impl From<leptos::wasm_split::SplitLoaderError> for ChunkError {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        ChunkError
    }
}

/// Declares one family's entry point: a split point with the `split` feature, a plain async
/// function without it. It hands back the family's screen builder (`$screen` names the screen
/// to render inside `$body`), not a screen: the caller builds the screen once the strings are
/// here too ([`load`]).
macro_rules! family {
    ($(#[$doc:meta])* $name:ident($screen:ident) $body:block) => {
        $(#[$doc])*
        #[cfg(feature = "split")]
        #[leptos::wasm_split::wasm_split($name, wasm_split_path = ::leptos::wasm_split, fallible)]
        fn $name(_unit: ()) -> Result<fn(Screen) -> AnyView, ChunkError> {
            fn build($screen: Screen) -> AnyView $body
            Ok(build)
        }

        $(#[$doc])*
        #[cfg(not(feature = "split"))]
        #[allow(clippy::unused_async)]
        async fn $name(_unit: ()) -> Result<fn(Screen) -> AnyView, ChunkError> {
            fn build($screen: Screen) -> AnyView $body
            Ok(build)
        }
    };
}

family!(
    /// Log-in, contact details, settings, accessibility statement.
    account(screen) {
        match screen {
            Screen::Contact => view! { <ContactPage /> }.into_any(),
            Screen::Settings => view! { <SettingsPage /> }.into_any(),
            Screen::Accessibility => view! { <AccessibilityPage /> }.into_any(),
            _ => view! { <LoginPage /> }.into_any(),
        }
    }
);

family!(
    /// Seeking care.
    care(screen) {
        match screen {
            Screen::Rules => view! { <RulesPage /> }.into_any(),
            Screen::Whom => view! { <WhomPage /> }.into_any(),
            Screen::Unit => view! { <UnitPage /> }.into_any(),
            Screen::Describe => view! { <DescribePage /> }.into_any(),
            _ => view! { <SeekCarePage /> }.into_any(),
        }
    }
);

family!(
    /// Mina ärenden.
    cases(_screen) { view! { <CasesPage /> }.into_any() }
);

family!(
    /// A case and its chat.
    conversation(_screen) { view! { <CasePage /> }.into_any() }
);

family!(
    /// An errand and its messages.
    errand(_screen) { view! { <ErrandPage /> }.into_any() }
);

family!(
    /// Visits and payment.
    visits(screen) {
        match screen {
            Screen::Visit => view! { <VisitPage /> }.into_any(),
            Screen::Receipt => view! { <ReceiptPage /> }.into_any(),
            Screen::Book => view! { <BookPage /> }.into_any(),
            _ => view! { <VisitsPage /> }.into_any(),
        }
    }
);

family!(
    /// E-services and the inbox.
    eservices(screen) {
        match screen {
            Screen::Inbox => view! { <InboxPage /> }.into_any(),
            Screen::UnitEServices => view! { <UnitEServicesPage /> }.into_any(),
            _ => view! { <EServicesPage /> }.into_any(),
        }
    }
);

family!(
    /// The screens with a questionnaire to fill in.
    forms(screen) {
        match screen {
            Screen::SymptomForm => view! { <SymptomFormPage /> }.into_any(),
            Screen::Review => view! { <ReviewPage /> }.into_any(),
            Screen::EServiceForm => view! { <EServiceFormPage /> }.into_any(),
            Screen::Message => view! { <MessagePage /> }.into_any(),
            _ => view! { <PreviewPage /> }.into_any(),
        }
    }
);

family!(
    /// The waiting-room tablet.
    kiosk(_screen) { view! { <KioskApp /> }.into_any() }
);

/// The FHIRPath evaluator and the SDC expressions (`ingang_questionnaire::expressions`): a
/// chunk of its own, fetched only when a form that has expressions is opened, so no route
/// carries it in its first load.
#[cfg(feature = "split")]
#[leptos::wasm_split::wasm_split(expressions, wasm_split_path = ::leptos::wasm_split, fallible)]
fn expressions_hook(_unit: ()) -> Result<ingang_questionnaire::form::ExpressionHook, ChunkError> {
    Ok(ingang_questionnaire::expressions::hook())
}

#[cfg(not(feature = "split"))]
#[allow(clippy::unused_async)]
async fn expressions_hook(_unit: ()) -> Result<ingang_questionnaire::form::ExpressionHook, ChunkError> {
    Ok(ingang_questionnaire::expressions::hook())
}

/// The payment panel (`pages::visits::payment`: methods, Swish's QR code, the card page's
/// return): a chunk of its own, fetched when a fee is to be paid, so neither the visit screens
/// nor the kiosk carry it in their first load.
#[cfg(feature = "split")]
#[leptos::wasm_split::wasm_split(payment, wasm_split_path = ::leptos::wasm_split, fallible)]
fn payment_hook(_unit: ()) -> Result<fn(PaymentArgs) -> AnyView, ChunkError> {
    Ok(payment_panel)
}

#[cfg(not(feature = "split"))]
#[allow(clippy::unused_async)]
async fn payment_hook(_unit: ()) -> Result<fn(PaymentArgs) -> AnyView, ChunkError> {
    Ok(payment_panel)
}

fn payment_panel(args: PaymentArgs) -> AnyView {
    view! { <PaymentPanel args /> }.into_any()
}

/// An errand's sent answers (`components::answers::sent_answers`: the e-service's questionnaire
/// read and its answers laid out, which is the form engine): a chunk of its own, fetched when
/// an errand is opened, so neither a case nor an errand carries the engine in its first load.
#[cfg(feature = "split")]
#[leptos::wasm_split::wasm_split(answers, wasm_split_path = ::leptos::wasm_split, fallible)]
fn answers_hook(_unit: ()) -> Result<fn(SentArgs) -> AnyView, ChunkError> {
    Ok(crate::components::answers::sent_answers)
}

#[cfg(not(feature = "split"))]
#[allow(clippy::unused_async)]
async fn answers_hook(_unit: ()) -> Result<fn(SentArgs) -> AnyView, ChunkError> {
    Ok(crate::components::answers::sent_answers)
}

/// The QR encoder (`components::qr_code::qr_path`, the `qrcode` crate): a chunk of its own,
/// fetched when a code is first shown (BankID on another device, Swish on another device).
#[cfg(feature = "split")]
#[leptos::wasm_split::wasm_split(qr, wasm_split_path = ::leptos::wasm_split, fallible)]
fn qr_hook(_unit: ()) -> Result<QrEncoder, ChunkError> {
    Ok(crate::components::qr_code::qr_path)
}

#[cfg(not(feature = "split"))]
#[allow(clippy::unused_async)]
async fn qr_hook(_unit: ()) -> Result<QrEncoder, ChunkError> {
    Ok(crate::components::qr_code::qr_path)
}

/// Content to the dark modules of its QR code as an SVG path, and the code's size.
pub type QrEncoder = fn(&str) -> Option<(String, usize)>;

/// Loads the QR encoder (once; later calls are immediate).
pub async fn qr() -> Result<QrEncoder, ChunkError> {
    qr_hook(()).await
}

/// The app chunk: the session, the shell's signed-in parts and the route tree
/// ([`crate::app::AppParts`]). Its function is handed back, not run, so that the caller runs
/// it in the frame's reactive owner (where the session is then provided for every route).
#[cfg(feature = "split")]
#[leptos::wasm_split::wasm_split(app, wasm_split_path = ::leptos::wasm_split, fallible)]
fn app_hook(_unit: ()) -> Result<fn() -> crate::app::AppParts, ChunkError> {
    Ok(crate::app::app_parts)
}

#[cfg(not(feature = "split"))]
#[allow(clippy::unused_async)]
async fn app_hook(_unit: ()) -> Result<fn() -> crate::app::AppParts, ChunkError> {
    Ok(crate::app::app_parts)
}

/// A chunk's screens show strings that the first module does not have: the rest of Swedish
/// (`i18n::load(Locale::SV)`) comes beside the chunk, and the chunk is not had without it. (A
/// string is read when its view is built, so a chunk hands back a builder, run after both.)
async fn with_strings<T>(chunk: impl Future<Output = Result<T, ChunkError>>) -> Result<T, ChunkError> {
    let (chunk, strings) = futures::future::join(chunk, crate::i18n::load(crate::i18n::Locale::SV)).await;
    if strings { chunk } else { Err(ChunkError) }
}

/// Loads the app chunk and the rest of Swedish (once; later calls are immediate).
pub async fn app() -> Result<fn() -> crate::app::AppParts, ChunkError> {
    with_strings(app_hook(())).await
}

/// Loads the expression evaluator (once; later calls are immediate).
pub async fn expressions() -> Result<ingang_questionnaire::form::ExpressionHook, ChunkError> {
    expressions_hook(()).await
}

/// Loads a family's chunk (once; later calls are immediate): its screen builder.
async fn family(family: Family) -> Result<fn(Screen) -> AnyView, ChunkError> {
    match family {
        Family::Account => account(()).await,
        Family::Care => care(()).await,
        Family::Cases => cases(()).await,
        Family::Conversation => conversation(()).await,
        Family::Errand => errand(()).await,
        Family::Visits => visits(()).await,
        Family::EServices => eservices(()).await,
        Family::Forms => forms(()).await,
        Family::Kiosk => kiosk(()).await,
    }
}

/// Loads `screen`'s chunk and the rest of Swedish (once; later calls are immediate) and builds
/// the screen.
pub async fn load(screen: Screen) -> Result<AnyView, ChunkError> {
    let build = with_strings(family(screen.family())).await?;
    Ok(build(screen))
}

/// Starts fetching the chunk of the screen at `path` now, beside the app chunk: its route
/// would ask for it only once the app chunk's route tree is here, one wait after the other
/// (on a phone, a round trip or more each). A failure here is forgotten: the route asks again.
///
/// It waits one turn first, so that the caller's own load (the app chunk) asks for its files
/// before this one's: the browser fetches six files at a time, in the order asked, and the app
/// chunk is needed before the screen can show.
pub fn prefetch(path: &str) {
    if let Some(screen) = Screen::at(path) {
        leptos::task::spawn_local(async move {
            let turn = js_sys::Promise::resolve(&wasm_bindgen::JsValue::UNDEFINED);
            let _ = wasm_bindgen_futures::JsFuture::from(turn).await;
            let _ = family(screen.family()).await;
        });
    }
}

/// A view from a chunk: "Laddar …" while `build` runs, its view when it has, and `failed` when
/// the chunk cannot be fetched. `failed` is handed the signal that its "Försök igen" bumps,
/// which runs `build` again. Every lazy view (a screen, the payment panel, a QR code) is shown
/// by this; each caller's copy is compiled into the caller's own chunk.
pub fn from_chunk<Fut>(
    build: impl Fn() -> Fut + Send + Sync + 'static,
    failed: impl Fn(RwSignal<u32>) -> AnyView + Copy + Send + Sync + 'static,
) -> AnyView
where
    Fut: Future<Output = Result<AnyView, ChunkError>> + 'static,
{
    let i18n = use_i18n();
    let attempt = RwSignal::new(0_u32);
    // A `Transition`, not a `Suspense`: every resource the screen reads outside a nested one
    // also registers here, and under a `Suspense` each of its later loads (the case's poll every
    // half minute, each event about it, "Försök igen") took the whole screen away for "Laddar …"
    // and put it back: the focus (a message half written in the chat) went to the page's body.
    // A `Transition` waits for the first load and then keeps the screen while data reloads.
    view! {
        <Transition fallback=move || view! { <p role="status">{t!(i18n.loading)}</p> }>
            {move || {
                attempt.track();
                // the strings' fetch is not `Send`; a view is built on the one thread there is
                let future = build();
                Suspend::new(send_wrapper::SendWrapper::new(async move {
                    future.await.unwrap_or_else(|ChunkError| failed(attempt))
                }))
            }}
        </Transition>
    }
    .into_any()
}

/// The payment panel from its chunk, with a message and "Försök igen" in its place when the
/// chunk cannot be fetched.
#[component]
pub fn Payment(args: PaymentArgs) -> impl IntoView {
    let args = StoredValue::new(args);
    from_chunk(
        move || async move { with_strings(payment_hook(())).await.map(|build| build(args.get_value())) },
        |attempt| view! { <ChunkRetry attempt /> }.into_any(),
    )
}

/// An errand's sent answers from their chunk, with a message and "Försök igen" in their place
/// when the chunk cannot be fetched.
#[component]
pub fn SentAnswers(args: SentArgs) -> impl IntoView {
    let args = StoredValue::new(args);
    from_chunk(
        move || async move { with_strings(answers_hook(())).await.map(|build| build(args.get_value())) },
        |attempt| view! { <ChunkRetry attempt /> }.into_any(),
    )
}

/// A screen from its chunk: "Laddar …" while it loads, the screen when it has, and a clear
/// message with "Försök igen" when it cannot be fetched.
#[component]
pub fn Lazy(screen: Screen) -> impl IntoView {
    from_chunk(move || load(screen), |attempt| view! { <ChunkFailed attempt /> }.into_any())
}

/// A route's view for `screen`: one closure type for every lazy route, so the route tree is
/// not monomorphised two dozen times in the first module.
pub fn lazy(screen: Screen) -> impl Fn() -> AnyView + Clone + Send + Sync + 'static {
    move || view! { <Lazy screen /> }.into_any()
}

/// What a failed chunk shows instead of a dead app; "Försök igen" bumps `attempt`, which loads
/// the chunk again.
#[component]
pub fn ChunkFailed(attempt: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Page title=|t| t.chunk_title>
            <ChunkRetry attempt />
            <p>{t!(i18n.chunk_urgent)}</p>
        </Page>
    }
}

/// The message and "Försök igen" of a chunk that could not be fetched, inside a screen.
#[component]
pub fn ChunkRetry(attempt: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="notice notice--error" role="alert" data-testid="chunk-failed">
            <p>{t!(i18n.chunk_body)}</p>
        </div>
        <p>
            <button type="button" class="button" on:click=move |_| attempt.update(|n| *n += 1)>
                {t!(i18n.action_retry)}
            </button>
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screens_of_a_family_load_together() {
        assert_eq!(Screen::Rules.family(), Screen::Describe.family());
        assert_eq!(Screen::SymptomForm.family(), Screen::Review.family());
        assert_ne!(Screen::Case.family(), Screen::Errand.family());
        assert_eq!(Screen::Inbox.family(), Screen::EServices.family());
        assert_eq!(Screen::SymptomForm.family(), Screen::EServiceForm.family());
        assert_ne!(Screen::Inbox.family(), Screen::Preview.family());
        assert_eq!(Screen::Visit.family(), Screen::Receipt.family());
        assert_ne!(Screen::Kiosk.family(), Screen::Visit.family());
        // a handful of chunks, not one per screen
        let mut families: Vec<Family> = Vec::new();
        for family in Screen::ALL.iter().map(|s| s.family()) {
            if !families.contains(&family) {
                families.push(family);
            }
        }
        assert_eq!(families.len(), 9, "{families:?}");
    }

    /// Every wait on data is a `Transition` (see `from_chunk`): under a `Suspense`, each later
    /// read of a resource in it (a poll, an event, "Försök igen", another person chosen) took
    /// what it shows away for "Laddar …" and put it back, with the focus in it.
    #[test]
    fn nothing_waits_in_a_suspense() {
        fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    let tag = concat!("<", "Suspense");
                    for (n, line) in text.lines().enumerate().filter(|(_, l)| l.contains(tag)) {
                        found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                    }
                }
            }
        }
        let mut found = Vec::new();
        walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut found);
        assert!(found.is_empty(), "use a Transition:\n{}", found.join("\n"));
    }

    /// Every lazy route of the route tree (`app.rs`) is found by [`Screen::at`], so its chunk
    /// is fetched beside the app chunk; other addresses are none.
    #[test]
    fn every_route_of_the_tree_names_its_screen() {
        let tree = include_str!("app.rs");
        let mut routes = 0;
        for line in tree.lines().filter(|l| l.contains("<Route path=path!(\"") && l.contains("view=lazy(Screen::")) {
            let path = line.split("path!(\"").nth(1).and_then(|r| r.split('"').next()).unwrap();
            let name = line.split("lazy(Screen::").nth(1).and_then(|r| r.split(')').next()).unwrap();
            let example: String =
                path.split('/').map(|p| if p.starts_with(':') { "x1" } else { p }).collect::<Vec<_>>().join("/");
            let found = Screen::at(&example).map(|s| format!("{s:?}"));
            assert_eq!(found.as_deref(), Some(name), "{path}");
            routes += 1;
        }
        assert!(routes >= 24, "{routes} routes read from app.rs");
        for other in ["/", "/kiosk", "/finns-inte", "/arenden/x/y", "/sok-vard/ny/besvar"] {
            assert_eq!(Screen::at(other), None, "{other}");
        }
        assert_eq!(Screen::at("/arenden/"), Some(Screen::Cases));
    }
}
