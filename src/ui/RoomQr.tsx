import { useEffect, useRef, useState } from 'react'
import { toCanvas } from 'qrcode'
import { useT } from './i18n/index.ts'

/**
 * The room link as a QR code, for the phones around the table: drawn on a canvas (dark on
 * white whatever the theme, with a quiet zone, which is what cameras need).
 */
export function RoomQr({ link }: { link: string }) {
  const canvas = useRef<HTMLCanvasElement>(null)
  const [failed, setFailed] = useState(false)
  const { t } = useT()

  useEffect(() => {
    if (!canvas.current) return
    toCanvas(canvas.current, link, { errorCorrectionLevel: 'M', margin: 4, scale: 4, color: { dark: '#000000ff', light: '#ffffffff' } }).then(
      () => setFailed(false),
      () => setFailed(true),
    )
  }, [link])

  return (
    <>
      <canvas ref={canvas} className="qr" data-testid="room-qr" data-link={link} role="img" aria-label={t('room.qrLabel')} />
      {failed && <p className="error small">{t('room.qrTooLong')}</p>}
    </>
  )
}
