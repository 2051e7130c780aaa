/**
 * The rental player: hls.js plays a film from its folder grant URL. The playlist is `<grant URL>master.m3u8`,
 * and hls.js asks for every segment by the playlist's relative names, so each segment URL keeps the grant in its
 * path (src/grant.ts): no cookie, no header, no player plugin. The gate checks each one; when a segment is
 * refused (the grant expired, another address), the player stops and says why instead of retrying a refusal.
 */
import Hls from 'hls.js';

export interface Refused {
  status: number;
  /** The refused request (hls.js keeps no body of a refused segment: ask it again to read the gate's code). */
  url: string;
}

export interface Player {
  stop(): void;
}

/**
 * Plays `playlist` in `video`. A short buffer (two segments ahead), as a rental streams rather than downloads:
 * the grant is checked again at every segment, so an expired grant stops the film within seconds.
 */
export function play(video: HTMLVideoElement, playlist: string, onRefused: (refused: Refused) => void): Player {
  if (!Hls.isSupported()) throw new Error('this browser has no Media Source Extensions: hls.js cannot play here');
  const hls = new Hls({ maxBufferLength: 2, maxMaxBufferLength: 2, backBufferLength: 2, enableWorker: false });
  let stopped = false;
  hls.on(Hls.Events.ERROR, (_event, data) => {
    const status = data.response?.code ?? 0;
    // A refusal is an answer, not a network glitch: retrying an expired or foreign grant cannot succeed.
    if (status >= 400 && status < 500 && !stopped) {
      stopped = true;
      hls.destroy();
      video.pause();
      onRefused({ status, url: data.response?.url ?? data.frag?.url ?? data.url ?? playlist });
    }
  });
  hls.loadSource(playlist);
  hls.attachMedia(video);
  hls.on(Hls.Events.MANIFEST_PARSED, () => {
    video.muted = true;
    void video.play();
  });
  return {
    stop() {
      stopped = true;
      hls.destroy();
    },
  };
}
