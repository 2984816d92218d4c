/** Tiny inline SVG icon set: stroke icons in currentColor, so no icon font or emoji glyphs are needed. */
import type { ComponentChildren } from 'preact';

/** Props shared by every icon. */
export interface IconProps {
  /** Width and height in CSS pixels. Defaults to 16. */
  size?: number;
  class?: string;
}

// Decorative only: the button around an icon carries the accessible name (aria-label / title).
function Svg({ size = 16, class: cls, children }: IconProps & { children: ComponentChildren }) {
  return (
    <svg
      class={cls ? `icon-svg ${cls}` : 'icon-svg'}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}

/** Two overlapping sheets. @example <CopyIcon /> */
export const CopyIcon = (p: IconProps) => (
  <Svg {...p}>
    <rect x="8" y="8" width="13" height="13" rx="2" />
    <path d="M16 8V5a2 2 0 0 0-2-2H5a2 2 0 0 0-2 2v9a2 2 0 0 0 2 2h3" />
  </Svg>
);

/** Pencil, for rename and edit. @example <EditIcon /> */
export const EditIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M17 3a2.8 2.8 0 0 1 4 4L7.5 20.5 2 22l1.5-5.5Z" />
    <path d="m15 5 4 4" />
  </Svg>
);

/** Waste bin. @example <TrashIcon /> */
export const TrashIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M3 6h18" />
    <path d="M19 6v14a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V6" />
    <path d="M8 6V4a2 2 0 0 1 2-2h4a2 2 0 0 1 2 2v2" />
    <path d="M10 11v6M14 11v6" />
  </Svg>
);

/** Push pin. @example <PinIcon /> */
export const PinIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M12 17v5" />
    <path d="M9 4h6l-1 6 4 3v2H6v-2l4-3Z" />
  </Svg>
);

/** Push pin struck through, for Unpin. @example <UnpinIcon /> */
export const UnpinIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M12 17v5" />
    <path d="M9 4h6l-1 6 4 3v2H6v-2l4-3Z" />
    <path d="m3 3 18 18" />
  </Svg>
);

/** Archive box. @example <ArchiveIcon /> */
export const ArchiveIcon = (p: IconProps) => (
  <Svg {...p}>
    <rect x="2" y="3" width="20" height="5" rx="1" />
    <path d="M4 8v11a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8" />
    <path d="M10 12h4" />
  </Svg>
);

/** Archive box with an up arrow, for Unarchive. @example <UnarchiveIcon /> */
export const UnarchiveIcon = (p: IconProps) => (
  <Svg {...p}>
    <rect x="2" y="3" width="20" height="5" rx="1" />
    <path d="M4 8v11a2 2 0 0 0 2 2h2M20 8v11a2 2 0 0 1-2 2h-2" />
    <path d="m9 15 3-3 3 3M12 12v9" />
  </Svg>
);

/** Loudspeaker, for Read aloud. @example <SpeakerIcon /> */
export const SpeakerIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M11 5 6 9H2v6h4l5 4Z" />
    <path d="M15.5 8.5a5 5 0 0 1 0 7M19 5a10 10 0 0 1 0 14" />
  </Svg>
);

/** Microphone, for dictation. @example <MicIcon /> */
export const MicIcon = (p: IconProps) => (
  <Svg {...p}>
    <rect x="9" y="2" width="6" height="13" rx="3" />
    <path d="M19 10v2a7 7 0 0 1-14 0v-2M12 19v3" />
  </Svg>
);

/** Circular arrow, for Regenerate. @example <RegenerateIcon /> */
export const RegenerateIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M21 12a9 9 0 1 1-2.64-6.36L21 8" />
    <path d="M21 3v5h-5" />
  </Svg>
);

/** Arrow down, for jumping to the newest messages. @example <ArrowDownIcon /> */
export const ArrowDownIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M12 5v14M6 13l6 6 6-6" />
  </Svg>
);

/** Sliders, for chat settings. @example <SettingsIcon /> */
export const SettingsIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M4 6h9M17 6h3M4 12h3M11 12h9M4 18h11M19 18h1" />
    <circle cx="15" cy="6" r="2" />
    <circle cx="9" cy="12" r="2" />
    <circle cx="17" cy="18" r="2" />
  </Svg>
);

/** Cross, for dismiss and close. @example <CloseIcon /> */
export const CloseIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M18 6 6 18M6 6l12 12" />
  </Svg>
);

/** Plus, for New chat. @example <PlusIcon /> */
export const PlusIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M12 5v14M5 12h14" />
  </Svg>
);

/** Three lines, for the sidebar toggle on narrow screens. @example <MenuIcon /> */
export const MenuIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M4 6h16M4 12h16M4 18h16" />
  </Svg>
);

/** Paper clip, for attaching files. @example <PaperclipIcon /> */
export const PaperclipIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M21 11.5 12.5 20a5 5 0 0 1-7-7l8.5-8.5a3.5 3.5 0 0 1 5 5L10.5 18a2 2 0 0 1-3-3l8-8" />
  </Svg>
);

/** A sheet with a folded corner, for a file. @example <FileIcon /> */
export const FileIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M14 3H6a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V9z" />
    <path d="M14 3v6h6" />
  </Svg>
);
