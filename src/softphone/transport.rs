//! SIP over WebSocket (RFC 7118): the only module that opens the soft phone's socket.
//!
//! The socket is opened with the `sip` subprotocol; each text (or binary) message carries one SIP
//! message. Frames go up as bytes; the caller parses them.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};

/// An open (or opening) SIP WebSocket. Dropping it closes the socket and detaches its handlers.
pub struct Transport {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl Transport {
    /// Connects to `url`; `on_open` runs once the socket is up, `on_frame` per message, `on_close` once
    /// with a reason when it goes down (or never came up).
    pub fn connect(
        url: &str,
        on_open: impl FnMut() + 'static,
        mut on_frame: impl FnMut(Vec<u8>) + 'static,
        mut on_close: impl FnMut(String) + 'static,
    ) -> Result<Transport, String> {
        let ws = WebSocket::new_with_str(url, "sip").map_err(|e| {
            e.as_string()
                .unwrap_or_else(|| format!("cannot open a SIP WebSocket to {url}"))
        })?;
        ws.set_binary_type(BinaryType::Arraybuffer);
        let on_open = Closure::<dyn FnMut()>::new(on_open);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let data = e.data();
            if let Some(text) = data.as_string() {
                on_frame(text.into_bytes());
            } else if let Ok(buffer) = data.dyn_into::<js_sys::ArrayBuffer>() {
                on_frame(js_sys::Uint8Array::new(&buffer).to_vec());
            }
        });
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |e: CloseEvent| {
            on_close(format!("SIP WebSocket closed ({})", e.code()));
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(Transport {
            ws,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
        })
    }

    /// Writes one SIP message; `false` when the socket is not open.
    pub fn send(&self, frame: &[u8]) -> bool {
        if self.ws.ready_state() != WebSocket::OPEN {
            return false;
        }
        match std::str::from_utf8(frame) {
            Ok(text) => self.ws.send_with_str(text).is_ok(),
            Err(_) => self.ws.send_with_u8_array(frame).is_ok(),
        }
    }

    /// Whether the socket is open.
    pub fn is_open(&self) -> bool {
        self.ws.ready_state() == WebSocket::OPEN
    }
}

impl Drop for Transport {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
    }
}
