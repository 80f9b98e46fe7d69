"""Look of the app: a calm Gradio theme and CSS for the map, evidence and sources panels."""

from __future__ import annotations

import gradio as gr


def theme() -> gr.themes.Base:
    return gr.themes.Soft(primary_hue="indigo", secondary_hue="slate", neutral_hue="slate",
                          font=[gr.themes.GoogleFont("Inter"), "ui-sans-serif", "system-ui", "sans-serif"]
                          ).set(block_radius="10px", button_large_radius="8px")


CSS = """
#app-header { align-items: center; border-bottom: 1px solid var(--border-color-primary); padding-bottom: 6px; }
#app-title h2 { margin: 0; }
#app-title .ws { color: var(--body-text-color-subdued); font-size: 13px; }
.jm-placeholder { padding: 48px 24px; text-align: center; color: var(--body-text-color-subdued);
  border: 1px dashed var(--border-color-primary); border-radius: 10px; }
#map-view .jm { padding: 16px 18px 24px; border-radius: 10px; }
#map-view details.jm-claim > summary { cursor: pointer; }
.ev-panel h4 { margin: 0 0 4px; font-size: 15px; line-height: 1.35; }
.ev-facts { color: var(--body-text-color-subdued); font-size: 12.5px; margin: 0 0 10px; }
.ev-quotes { padding-left: 18px; margin: 0; }
.ev-quotes li { margin: 0 0 14px; }
.ev-meta { font-size: 12px; color: var(--body-text-color-subdued); margin-bottom: 4px; }
.ev-meta code, .src-meta code { font-size: 11px; }
.ev-context { white-space: pre-wrap; margin: 0; padding: 8px 10px; border-left: 3px solid #7048e8;
  background: var(--background-fill-secondary); border-radius: 4px; font-size: 13px; line-height: 1.5; }
.ev-context mark, .src-panel mark { background: #fff3bf; color: inherit; padding: 0 1px; border-radius: 2px; }
.ev-empty, .src-empty { color: var(--body-text-color-subdued); font-size: 13px; padding: 8px 0; }
.src-panel h4 { margin: 4px 0 8px; }
.src-panel ol { list-style: none; padding: 0; margin: 0; }
.src-panel li { margin: 0 0 12px; padding: 8px 10px; border: 1px solid var(--border-color-primary); border-radius: 8px;
  background: var(--background-fill-secondary); }
.src-n { font-weight: 700; color: #4c3fd6; margin-right: 6px; }
.src-panel blockquote { display: inline; margin: 0; font-style: italic; }
.src-meta { font-size: 12px; color: var(--body-text-color-subdued); margin-top: 4px; }
#proposal-diff { border: 1px solid #b197fc; border-radius: 8px; }
"""
