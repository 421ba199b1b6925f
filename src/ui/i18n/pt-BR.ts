import type { Catalogue } from './en.ts'

// Português do Brasil. Plurais: one (0 e 1), many (milhões), other.
const ptBR: Catalogue = {
  'app.joining': 'Entrando…',

  'language.label': 'Idioma',

  'onboarding.lead': 'Um chat que vive no seu navegador. Suas mensagens vão direto para as pessoas da sala, assinadas com uma chave criada neste aparelho.',
  'onboarding.invited': 'Você foi convidado para uma sala. Escolha um nome para entrar.',
  'onboarding.nameLabel': 'Seu nome',
  'onboarding.namePlaceholder': 'ex.: Ana',
  'onboarding.join': 'Entrar na sala',
  'onboarding.start': 'Começar',
  'onboarding.fingerprintNote': 'Qualquer pessoa pode escolher qualquer nome. É a impressão digital da sua chave que diferencia você.',

  'header.home': 'Roda: todas as salas',
  'header.yourKey': 'Sua chave: {key}',
  'header.settings': 'Configurações e diagnóstico',

  'status.online': 'Relay conectado',
  'status.connecting': 'Conectando ao relay…',
  'status.offline': 'Relay inacessível',
  'status.offlineRetry': {
    one: 'Relay inacessível, tentando de novo em {count} segundo',
    many: 'Relay inacessível, tentando de novo em {count} de segundos',
    other: 'Relay inacessível, tentando de novo em {count} segundos',
  },
  'status.noRelay': 'Nenhum relay configurado',

  'rooms.newLabel': 'Nova sala',
  'rooms.titlePlaceholder': 'Título (opcional)',
  'rooms.create': 'Criar sala',
  'rooms.heading': 'Suas salas',
  'rooms.empty': 'Nenhuma sala ainda. Crie uma ou abra o link de uma sala que alguém compartilhou com você.',
  'rooms.fallbackName': 'Sala {id}',
  'rooms.unreadLabel': { one: '{name}, {count} post não lido', many: '{name}, {count} de posts não lidos', other: '{name}, {count} posts não lidos' },

  'room.untitled': 'Sala sem título',
  'room.titleLabel': 'Título da sala',
  'room.rename': 'Renomear sala',
  'room.linkLabel': 'Link da sala',
  'room.copy': 'Copiar link',
  'room.copied': 'Copiado',
  'room.copyPrompt': 'Copie este link',
  'room.share': 'Compartilhar…',
  'room.shareTitle': 'Sala na Roda',
  'room.shareText': 'Venha conversar comigo nesta sala da Roda',
  'room.qrToggle': 'QR code: escaneie para entrar',
  'room.secretNote': 'Quem tiver este link pode ler e escrever na sala. O segredo fica depois do #, que nunca é enviado a um servidor.',
  'room.qrLabel': 'QR code do link da sala',
  'room.qrTooLong': 'Este link é longo demais para um QR code: compartilhe-o como texto.',

  'peers.label': 'Pessoas aqui agora',
  'peers.none': 'Ninguém mais está conectado agora. Os posts esperam aqui até alguém se conectar.',
  'peers.someone': 'alguém',
  'peers.direct': 'direto',
  'peers.relayed': 'via relay',

  'messages.label': 'Posts',
  'messages.keyTitle': 'Chave {key}',
  'messages.newFrom': 'Novo post de {name}: {text}',
  'messages.newCount': { one: '{count} post novo', many: '{count} de posts novos', other: '{count} posts novos' },
  'receipt.waiting': 'aguardando',
  'receipt.waitingTitle': 'Aguardando: nenhum outro aparelho tem este post ainda',
  'receipt.delivered': 'Entregue',
  'receipt.heldBy': { one: 'Guardado por {count} outro membro', many: 'Guardado por {count} de outros membros', other: 'Guardado por {count} outros membros' },

  'composer.label': 'Mensagem',
  'composer.placeholder': 'Escreva uma mensagem',
  'composer.send': 'Enviar',

  'notify.unsupported': 'Este navegador não consegue mostrar notificações.',
  'notify.blocked': 'As notificações deste site estão bloqueadas nas configurações do navegador.',
  'notify.on': 'As notificações estão ativadas.',
  'notify.turnOff': 'Desativar',
  'notify.turnOn': 'Avise-me de novos posts',
  'notify.oneTitle': '{name} · {room}',
  'notify.manyTitle': { one: '{room}: {count} post novo', many: '{room}: {count} de posts novos', other: '{room}: {count} posts novos' },
  'notify.manyBody': '{name}: {text}',

  'settings.heading': 'Configurações',
  'settings.name': 'Nome de exibição',
  'settings.relays': 'Relays (um multiaddr por linha; vazio = o relay que serviu este app)',
  'settings.save': 'Salvar',
  'settings.saved': 'Salvo. Um relay alterado passa a valer depois de recarregar.',
  'settings.notifications': 'Notificações',
  'settings.notificationsHelp': 'Uma notificação quando alguém posta enquanto a Roda está em segundo plano.',
  'settings.key': 'Sua chave',
  'settings.diagnostics': 'Diagnóstico',
  'settings.relay': 'Relay: {relay} ({state})',
  'settings.relayNone': 'nenhum',
  'settings.peerId': 'Id do par: {id}',
  'settings.networkNotStarted': 'rede não iniciada',
  'settings.rejected': 'Mensagens recusadas',
  'settings.rejectedNone': 'Nenhuma até agora.',
  'settings.close': 'Fechar',

  'update.ready': 'Uma nova versão da Roda está pronta.',
  'update.reload': 'Recarregar',
}

export default ptBR
