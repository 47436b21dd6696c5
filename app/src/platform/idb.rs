//! IndexedDB as a key-value store: one database `cahier`, one object
//! store `kv`, values bytes or text. What is kept under which key is
//! [`crate::store`]'s; when, the session's.
//!
//! Hand-written on `web-sys`: gloo has no IndexedDB crate, and the one
//! thing this needs beyond a promise is [`put_now`], a write started and
//! committed synchronously while the page is being left.

use std::cell::RefCell;

use js_sys::{Promise, Uint8Array};
use leptos::prelude::window;
use leptos::wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransactionMode};

const DB: &str = "cahier";
const STORE: &str = "kv";

thread_local! {
    static OPEN: RefCell<Option<IdbDatabase>> = const { RefCell::new(None) };
}

/// Wait for a request's `success` (its result) or `error`.
async fn done(request: &IdbRequest) -> Result<JsValue, JsValue> {
    let promise = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    JsFuture::from(promise).await?;
    request.result()
}

async fn database() -> Result<IdbDatabase, JsValue> {
    if let Some(db) = OPEN.with(|open| open.borrow().clone()) {
        return Ok(db);
    }
    let factory = window()
        .indexed_db()?
        .ok_or_else(|| JsValue::from_str("no IndexedDB"))?;
    let request: IdbOpenDbRequest = factory.open_with_u32(DB, 1)?;
    let upgrade = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        let db = event
            .target()
            .and_then(|t| t.dyn_into::<IdbRequest>().ok())
            .and_then(|r| r.result().ok())
            .and_then(|r| r.dyn_into::<IdbDatabase>().ok());
        if let Some(db) = db {
            if !db.object_store_names().contains(STORE) {
                let _ = db.create_object_store(STORE);
            }
        }
    });
    request.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let result = done(&request).await;
    request.set_onupgradeneeded(None);
    drop(upgrade);
    let db: IdbDatabase = result?.dyn_into()?;
    OPEN.with(|open| *open.borrow_mut() = Some(db.clone()));
    Ok(db)
}

/// The bytes or text stored under `key`.
pub async fn get(key: &str) -> Result<Option<JsValue>, JsValue> {
    let db = database().await?;
    let store = db
        .transaction_with_str_and_mode(STORE, IdbTransactionMode::Readonly)?
        .object_store(STORE)?;
    let value = done(&store.get(&JsValue::from_str(key))?).await?;
    Ok((!value.is_undefined()).then_some(value))
}

/// Store `value` under `key`.
pub async fn put(key: &str, value: Value<'_>) -> Result<(), JsValue> {
    let db = database().await?;
    let store = db
        .transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)?
        .object_store(STORE)?;
    done(&store.put_with_key(&js_value(&value), &JsValue::from_str(key))?).await?;
    Ok(())
}

/// Store `value` under `key` in a transaction created right now, and
/// ask for its commit: what a page that is being left can still do.
/// `Ok(false)` when the database is not open yet (use [`put`]).
pub fn put_now(key: &str, value: Value<'_>) -> Result<bool, JsValue> {
    let Some(db) = OPEN.with(|open| open.borrow().clone()) else {
        return Ok(false);
    };
    let transaction = db.transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)?;
    transaction
        .object_store(STORE)?
        .put_with_key(&js_value(&value), &JsValue::from_str(key))?;
    // Commit now rather than when the task ends: the page may be gone.
    // (web-sys marks `commit` deprecated from an old WebIDL; every
    // current browser has it, and where it is missing the error is
    // ignored and the transaction commits at the end of the task.)
    #[allow(deprecated)]
    let _ = transaction.commit();
    Ok(true)
}

/// One write of a [`write_all`].
pub enum Write<'a> {
    Put(&'a str, Value<'a>),
    Delete(&'a str),
}

/// Make every write of `writes` in one transaction: all of them happen,
/// or (IndexedDB refused) none.
pub async fn write_all(writes: &[Write<'_>]) -> Result<(), JsValue> {
    let db = database().await?;
    let transaction = db.transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)?;
    let store = transaction.object_store(STORE)?;
    for write in writes {
        match write {
            Write::Put(key, value) => {
                store.put_with_key(&js_value(value), &JsValue::from_str(key))?;
            }
            Write::Delete(key) => {
                store.delete(&JsValue::from_str(key))?;
            }
        }
    }
    let promise = Promise::new(&mut |resolve, reject| {
        transaction.set_oncomplete(Some(&resolve));
        transaction.set_onerror(Some(&reject));
        transaction.set_onabort(Some(&reject));
    });
    JsFuture::from(promise).await?;
    Ok(())
}

fn js_value(value: &Value<'_>) -> JsValue {
    match value {
        Value::Bytes(bytes) => Uint8Array::from(*bytes).into(),
        Value::Text(text) => JsValue::from_str(text),
    }
}

/// What [`put`] stores.
pub enum Value<'a> {
    Bytes(&'a [u8]),
    Text(&'a str),
}

/// The bytes of a stored value, if it holds bytes.
pub fn bytes(value: &JsValue) -> Option<Vec<u8>> {
    value.dyn_ref::<Uint8Array>().map(Uint8Array::to_vec)
}

/// The text of a stored value, if it holds text.
pub fn text(value: &JsValue) -> Option<String> {
    value.as_string()
}
