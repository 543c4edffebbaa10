//! Inline SVG icons (24x24, stroke `currentColor`), decorative: always `aria-hidden`.

use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IconName {
    Home,
    SeekCare,
    Cases,
    Calendar,
    Inbox,
    Settings,
    Phone,
    Alert,
    Globe,
}

fn path(name: IconName) -> &'static str {
    match name {
        IconName::Home => "M3 11.5 12 4l9 7.5M5.5 9.5V20h13V9.5M10 20v-5.5h4V20",
        IconName::SeekCare => {
            "M12 21s-7.5-4.6-7.5-10.2A4.3 4.3 0 0 1 12 8a4.3 4.3 0 0 1 7.5 2.8C19.5 16.4 12 21 12 21ZM12 11v5M9.5 13.5h5"
        }
        IconName::Cases => "M4 6.5h6l2 2h8V19H4ZM4 6.5V5h6",
        IconName::Calendar => "M4.5 6h15v14h-15ZM4.5 10h15M8.5 3.5v4M15.5 3.5v4",
        IconName::Inbox => "M4 13.5 6.5 5h11l2.5 8.5V19H4ZM4 13.5h4.5a3.5 3.5 0 0 0 7 0H20",
        IconName::Settings => {
            "M19 13L21 14L20 17L18 17L17 18L17 20L14 21L13 19L11 19L10 21L7 20L7 18L6 17L4 17L3 14L5 13L5 11L3 10L4 7L6 7L7 6L7 4L10 3L11 5L13 5L14 3L17 4L17 6L18 7L20 7L21 10L19 11ZM12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6Z"
        }
        IconName::Phone => {
            "M6.5 3.5h3l1.5 4-2 1.3a11 11 0 0 0 6.2 6.2l1.3-2 4 1.5v3a2 2 0 0 1-2.2 2A16 16 0 0 1 4.5 5.7a2 2 0 0 1 2-2.2Z"
        }
        IconName::Alert => "M12 3.5 21.5 20h-19ZM12 10v4.5M12 17v.5",
        IconName::Globe => {
            "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18ZM3 12h18M12 3c2.5 2.6 3.7 5.6 3.7 9s-1.2 6.4-3.7 9M12 3c-2.5 2.6-3.7 5.6-3.7 9s1.2 6.4 3.7 9"
        }
    }
}

#[component]
pub fn Icon(name: IconName) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
            <path d=path(name) />
        </svg>
    }
}
