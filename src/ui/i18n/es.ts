import type { Catalogue } from './en.ts'

// Español. Plurales: one (1), many (millones), other.
const es: Catalogue = {
  'app.joining': 'Entrando…',

  'language.label': 'Idioma',

  'onboarding.lead': 'Un chat que vive en tu navegador. Tus mensajes van directo a las personas de la sala, firmados con una clave creada en este dispositivo.',
  'onboarding.invited': 'Te han invitado a una sala. Elige un nombre para entrar.',
  'onboarding.nameLabel': 'Tu nombre',
  'onboarding.namePlaceholder': 'p. ej., Ana',
  'onboarding.join': 'Entrar en la sala',
  'onboarding.start': 'Empezar',
  'onboarding.fingerprintNote': 'Cualquiera puede elegir cualquier nombre. Lo que te distingue es la huella de tu clave.',

  'header.home': 'Roda: todas las salas',
  'header.yourKey': 'Tu clave: {key}',
  'header.settings': 'Ajustes y diagnóstico',

  'status.online': 'Relé conectado',
  'status.connecting': 'Conectando con el relé…',
  'status.offline': 'Relé inaccesible',
  'status.offlineRetry': {
    one: 'Relé inaccesible, reintento en {count} segundo',
    many: 'Relé inaccesible, reintento en {count} de segundos',
    other: 'Relé inaccesible, reintento en {count} segundos',
  },
  'status.noRelay': 'Ningún relé configurado',

  'rooms.newLabel': 'Nueva sala',
  'rooms.titlePlaceholder': 'Título (opcional)',
  'rooms.create': 'Crear sala',
  'rooms.heading': 'Tus salas',
  'rooms.empty': 'Aún no hay salas. Crea una o abre el enlace de una sala que alguien haya compartido contigo.',
  'rooms.fallbackName': 'Sala {id}',
  'rooms.unreadLabel': { one: '{name}, {count} mensaje sin leer', many: '{name}, {count} de mensajes sin leer', other: '{name}, {count} mensajes sin leer' },

  'room.untitled': 'Sala sin título',
  'room.titleLabel': 'Título de la sala',
  'room.rename': 'Cambiar el nombre de la sala',
  'room.linkLabel': 'Enlace de la sala',
  'room.copy': 'Copiar enlace',
  'room.copied': 'Copiado',
  'room.copyPrompt': 'Copia este enlace',
  'room.share': 'Compartir…',
  'room.shareTitle': 'Sala de Roda',
  'room.shareText': 'Únete a mí en esta sala de Roda',
  'room.qrToggle': 'Código QR: escanéalo para entrar',
  'room.secretNote': 'Cualquiera con este enlace puede leer y escribir en la sala. El secreto va después del #, que nunca se envía a ningún servidor.',
  'room.qrLabel': 'Código QR del enlace de la sala',
  'room.qrTooLong': 'Este enlace es demasiado largo para un código QR: compártelo como texto.',

  'peers.label': 'Personas conectadas ahora',
  'peers.none': 'Nadie más está conectado ahora. Los mensajes esperan aquí hasta que alguien lo esté.',
  'peers.someone': 'alguien',
  'peers.direct': 'directa',
  'peers.relayed': 'por el relé',

  'messages.label': 'Mensajes',
  'messages.keyTitle': 'Clave {key}',
  'messages.newFrom': 'Nuevo mensaje de {name}: {text}',
  'messages.newCount': { one: '{count} mensaje nuevo', many: '{count} de mensajes nuevos', other: '{count} mensajes nuevos' },
  'receipt.waiting': 'en espera',
  'receipt.waitingTitle': 'En espera: ningún otro dispositivo tiene aún este mensaje',
  'receipt.delivered': 'Entregado',
  'receipt.heldBy': { one: 'Lo tiene {count} miembro más', many: 'Lo tienen {count} de miembros más', other: 'Lo tienen {count} miembros más' },

  'composer.label': 'Mensaje',
  'composer.placeholder': 'Escribe un mensaje',
  'composer.send': 'Enviar',

  'notify.unsupported': 'Este navegador no puede mostrar notificaciones.',
  'notify.blocked': 'Las notificaciones de este sitio están bloqueadas en los ajustes del navegador.',
  'notify.on': 'Las notificaciones están activadas.',
  'notify.turnOff': 'Desactivar',
  'notify.turnOn': 'Avisarme de mensajes nuevos',
  'notify.oneTitle': '{name} · {room}',
  'notify.manyTitle': { one: '{room}: {count} mensaje nuevo', many: '{room}: {count} de mensajes nuevos', other: '{room}: {count} mensajes nuevos' },
  'notify.manyBody': '{name}: {text}',

  'settings.heading': 'Ajustes',
  'settings.name': 'Nombre visible',
  'settings.relays': 'Relés (un multiaddr por línea; vacío = el relé que sirvió esta aplicación)',
  'settings.save': 'Guardar',
  'settings.saved': 'Guardado. Un relé cambiado se usa después de recargar.',
  'settings.notifications': 'Notificaciones',
  'settings.notificationsHelp': 'Una notificación cuando alguien escribe mientras Roda está en segundo plano.',
  'settings.key': 'Tu clave',
  'settings.diagnostics': 'Diagnóstico',
  'settings.relay': 'Relé: {relay} ({state})',
  'settings.relayNone': 'ninguno',
  'settings.peerId': 'Id. de par: {id}',
  'settings.networkNotStarted': 'red no iniciada',
  'settings.rejected': 'Mensajes rechazados',
  'settings.rejectedNone': 'Ninguno por ahora.',
  'settings.close': 'Cerrar',

  'update.ready': 'Hay una nueva versión de Roda lista.',
  'update.reload': 'Recargar',
}

export default es
