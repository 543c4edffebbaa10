//! A case's chat: its messages (once per client id) and the pictures uploaded to it, given to a
//! message when it is sent (`crate::domain::chat` and `crate::domain::pictures` have the rules:
//! who may write, which pictures a message may carry, how a picture is made safe).

use ingang_api::{
    chat::{Author, Message},
    pictures::Picture,
};

use super::{Conn, OptionalExtension, Result, Row, params};

const MESSAGE: &str = "SELECT id, idempotency_key, case_id, author, author_name, author_role, body, created_at, \
     asks_for_picture FROM messages";

fn message(r: &Row) -> Result<Message> {
    let author: String = r.get("author")?;
    Ok(Message {
        id: r.get("id")?,
        client_id: r.get("idempotency_key")?,
        case_id: r.get("case_id")?,
        author: if author == "staff" { Author::Staff } else { Author::Patient },
        author_name: r.get("author_name")?,
        author_role: r.get("author_role")?,
        body: r.get("body")?,
        pictures: Vec::new(),
        asks_for_picture: r.get("asks_for_picture")?,
        created_at: r.get("created_at")?,
    })
}

/// A message with its pictures.
fn with_pictures(conn: &mut Conn<'_>, mut m: Message) -> Result<Message> {
    m.pictures = pictures_of(conn, m.id)?;
    Ok(m)
}

/// A message to keep.
#[derive(Debug, Clone, Copy)]
pub struct NewMessage<'a> {
    pub author: Author,
    /// Staff: (first name, role).
    pub staff: Option<(&'a str, &'a str)>,
    pub body: &'a str,
    pub client_id: &'a str,
    pub asks_for_picture: bool,
    pub now: i64,
}

/// Keeps a message unless the case has one with its client id; the new message's id.
pub fn insert(conn: &mut Conn<'_>, case_id: &str, m: &NewMessage<'_>) -> Result<Option<i64>> {
    conn.query_row(
        "INSERT INTO messages (case_id, author, body, created_at, idempotency_key, author_name, author_role,
         asks_for_picture) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING RETURNING id",
        params![
            case_id,
            if m.author == Author::Staff { "staff" } else { "patient" },
            m.body,
            m.now,
            m.client_id,
            m.staff.map(|s| s.0),
            m.staff.map(|s| s.1),
            m.asks_for_picture
        ],
        |r| r.get("id"),
    )
    .optional()
}

/// The case's message with this client id, with its pictures.
pub fn by_client_id(conn: &mut Conn<'_>, case_id: &str, client_id: &str) -> Result<Option<Message>> {
    conn.query_row(
        &format!("{MESSAGE} WHERE case_id = ?1 AND idempotency_key = ?2"),
        params![case_id, client_id],
        message,
    )
    .optional()?
    .map(|m| with_pictures(conn, m))
    .transpose()
}

/// Has the case a message with this client id?
pub fn has_client_id(conn: &mut Conn<'_>, case_id: &str, client_id: &str) -> Result<bool> {
    conn.query_row(
        "SELECT COUNT(*) > 0 AS found FROM messages WHERE case_id = ?1 AND idempotency_key = ?2",
        params![case_id, client_id],
        |r| r.get("found"),
    )
}

/// Up to `limit` of the case's messages with an id below `before`, newest first, with their
/// pictures.
pub fn before(conn: &mut Conn<'_>, case_id: &str, before: i64, limit: i64) -> Result<Vec<Message>> {
    let rows = conn.query_map(
        &format!("{MESSAGE} WHERE case_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3"),
        params![case_id, before, limit],
        message,
    )?;
    rows.into_iter().map(|m| with_pictures(conn, m)).collect()
}

/// Every message of the case, oldest first, with their pictures.
pub fn of_case(conn: &mut Conn<'_>, case_id: &str) -> Result<Vec<Message>> {
    let rows = conn.query_map(&format!("{MESSAGE} WHERE case_id = ?1 ORDER BY id"), params![case_id], message)?;
    rows.into_iter().map(|m| with_pictures(conn, m)).collect()
}

const PICTURE: &str = "SELECT id, case_id, content_type, length(bytes) AS size, width, height FROM pictures";

fn picture(r: &Row) -> Result<Picture> {
    let id: String = r.get("id")?;
    Ok(Picture {
        url: format!("{}/pictures/{id}", ingang_api::API_V1),
        thumbnail_url: format!("{}/pictures/{id}/thumbnail", ingang_api::API_V1),
        id,
        case_id: r.get("case_id")?,
        content_type: r.get("content_type")?,
        size: r.get::<i64>("size")? as u64,
        width: r.get("width")?,
        height: r.get("height")?,
    })
}

/// The pictures of a message, in order.
pub fn pictures_of(conn: &mut Conn<'_>, message_id: i64) -> Result<Vec<Picture>> {
    conn.query_map(&format!("{PICTURE} WHERE message_id = ?1 ORDER BY position"), params![message_id], picture)
}

/// The picture `id` and who uploaded it.
pub fn picture_and_uploader(conn: &mut Conn<'_>, id: &str) -> Result<Option<(Picture, String)>> {
    conn.query_row(
        "SELECT id, case_id, content_type, length(bytes) AS size, width, height, uploader FROM pictures WHERE id = ?1",
        params![id],
        |r| Ok((picture(r)?, r.get("uploader")?)),
    )
    .optional()
}

/// An uploaded picture, checked and re-encoded.
#[derive(Debug, Clone, Copy)]
pub struct NewPicture<'a> {
    pub id: &'a str,
    pub case_id: &'a str,
    pub uploader: &'a str,
    pub content_type: &'a str,
    pub width: u32,
    pub height: u32,
    pub bytes: &'a [u8],
    pub thumbnail: &'a [u8],
}

/// Keeps an uploaded picture (not yet any message's) unless its id is taken; the picture with
/// that id.
pub fn upload(conn: &mut Conn<'_>, p: &NewPicture<'_>, now: i64) -> Result<Picture> {
    conn.execute(
        "INSERT INTO pictures (id, case_id, uploader, content_type, width, height, bytes, thumbnail, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT DO NOTHING",
        params![p.id, p.case_id, p.uploader, p.content_type, p.width, p.height, p.bytes, p.thumbnail, now],
    )?;
    conn.query_row(&format!("{PICTURE} WHERE id = ?1"), params![p.id], picture)
}

/// How many of `ids` are pictures `uploader` put in `case_id` and no message has yet.
pub fn unsent_of(conn: &mut Conn<'_>, ids: &[String], case_id: &str, uploader: &str) -> Result<usize> {
    let mut n = 0;
    for id in ids {
        n += conn.query_row(
            "SELECT COUNT(*) AS count FROM pictures WHERE id = ?1 AND case_id = ?2 AND uploader = ?3 AND message_id IS NULL",
            params![id, case_id, uploader],
            |r| r.get::<i64>("count"),
        )? as usize;
    }
    Ok(n)
}

/// Gives unsent pictures to a message, in the order of `ids`.
pub fn attach(conn: &mut Conn<'_>, message_id: i64, ids: &[String]) -> Result<()> {
    for (position, id) in ids.iter().enumerate() {
        conn.execute(
            "UPDATE pictures SET message_id = ?1, position = ?2 WHERE id = ?3 AND message_id IS NULL",
            params![message_id, position as i64, id],
        )?;
    }
    Ok(())
}

/// A picture's file as it is served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PictureFile {
    pub case_id: String,
    pub uploader: String,
    /// Has a message carried it?
    pub sent: bool,
    /// The picture's (a thumbnail is always JPEG).
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The picture's bytes, or its thumbnail's.
pub fn file(conn: &mut Conn<'_>, id: &str, thumbnail: bool) -> Result<Option<PictureFile>> {
    let column = if thumbnail { "thumbnail" } else { "bytes" };
    conn.query_row(
        &format!(
            "SELECT case_id, uploader, message_id IS NOT NULL AS sent, content_type, {column} AS bytes
             FROM pictures WHERE id = ?1"
        ),
        params![id],
        |r| {
            Ok(PictureFile {
                case_id: r.get("case_id")?,
                uploader: r.get("uploader")?,
                sent: r.get("sent")?,
                content_type: r.get("content_type")?,
                bytes: r.get("bytes")?,
            })
        },
    )
    .optional()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::tests::on_both;

    fn case(conn: &mut Conn<'_>, id: &str) {
        conn.execute(
            "INSERT INTO units (id, name, kind, address, city) VALUES ('u', 'U', 'dental', 'a', 'c')",
            params![],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO cases (id, owner, patient, unit_id, questionnaire_id, title, response, priority, status,
                                created_at, idempotency_key)
             VALUES (?1, '191212121212', '191212121212', 'u', 'q', 'Ont', '{}', 2, 'inProgress', 1, 'c')",
            params![id],
        )
        .unwrap();
    }

    fn new(body: &str, client_id: &str, now: i64) -> NewMessage<'static> {
        let (body, client_id) = (body.to_owned().leak(), client_id.to_owned().leak());
        NewMessage { author: Author::Patient, staff: None, body, client_id, asks_for_picture: false, now }
    }

    #[test]
    fn messages_and_their_pictures_on_both_backends() {
        on_both("chat", |conn| {
            case(conn, "c1");
            let first = insert(conn, "c1", &new("Hej", "k1", 10)).unwrap().unwrap();
            assert_eq!(insert(conn, "c1", &new("Hej igen", "k1", 11)).unwrap(), None, "once per client id");
            assert_eq!(by_client_id(conn, "c1", "k1").unwrap().unwrap().id, first);
            let staff = NewMessage {
                author: Author::Staff,
                staff: Some(("Eva", "sjuksköterska")),
                asks_for_picture: true,
                ..new("Skicka en bild", "k2", 12)
            };
            assert!(insert(conn, "c1", &staff).unwrap().is_some());
            assert!(has_client_id(conn, "c1", "k1").unwrap());
            assert!(!has_client_id(conn, "c1", "k3").unwrap());

            let p = NewPicture {
                id: "p1",
                case_id: "c1",
                uploader: "191212121212",
                content_type: "image/png",
                width: 3,
                height: 2,
                bytes: &[1, 2, 3, 4],
                thumbnail: &[9],
            };
            let uploaded = upload(conn, &p, 13).unwrap();
            assert_eq!((uploaded.size, uploaded.width, uploaded.height), (4, 3, 2));
            assert_eq!(upload(conn, &NewPicture { bytes: &[0], ..p }, 14).unwrap().size, 4, "an id is kept once");
            let ids = ["p1".to_owned(), "nope".to_owned()];
            assert_eq!(unsent_of(conn, &ids, "c1", "191212121212").unwrap(), 1);
            assert_eq!(unsent_of(conn, &ids, "c1", "194001019999").unwrap(), 0, "someone else's");
            assert!(!file(conn, "p1", false).unwrap().unwrap().sent);

            let m = insert(conn, "c1", &new("Här", "k3", 15)).unwrap().unwrap();
            attach(conn, m, &ids[..1]).unwrap();
            assert_eq!(unsent_of(conn, &ids, "c1", "191212121212").unwrap(), 0, "sent");
            let m = by_client_id(conn, "c1", "k3").unwrap().unwrap();
            assert_eq!(m.pictures.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["p1"]);
            let f = file(conn, "p1", true).unwrap().unwrap();
            assert_eq!((f.sent, f.content_type.as_str(), f.bytes.as_slice()), (true, "image/png", &[9u8][..]));
            assert_eq!(file(conn, "p1", false).unwrap().unwrap().bytes, [1, 2, 3, 4]);
            assert_eq!(picture_and_uploader(conn, "p1").unwrap().unwrap().1, "191212121212");

            let all = of_case(conn, "c1").unwrap();
            assert_eq!(all.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(), ["Hej", "Skicka en bild", "Här"]);
            assert_eq!(all[1].author_name.as_deref(), Some("Eva"));
            assert!(all[1].asks_for_picture);
            let page = before(conn, "c1", all[2].id, 1).unwrap();
            assert_eq!(page.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(), ["Skicka en bild"]);
        });
    }
}
