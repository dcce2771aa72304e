//! Where the SDK's own files are served from: the loader (`js/workbench-sdk.js`) tells the core its
//! directory once ([`set_asset_base`], through `setAssetBase`), and [`asset_url`] names a file there —
//! the ringtone the soft phone loops and 设备检测 plays.

use std::cell::RefCell;

thread_local! {
    static ASSET_BASE: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Where the SDK's files are served from (the loader's own directory); set once by the loader.
pub fn set_asset_base(url: &str) {
    ASSET_BASE.with(|b| *b.borrow_mut() = url.to_owned());
}

/// The URL of SDK file `name` (relative to the page when the loader gave no base).
pub fn asset_url(name: &str) -> String {
    ASSET_BASE.with(|b| format!("{}{name}", b.borrow()))
}
