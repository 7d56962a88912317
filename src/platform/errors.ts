/**
 * The one error catalogue. Services throw `DomainError` with a catalogue code; only the HTTP layer
 * maps them to a status. Messages exist in every language the portal speaks, so a citizen never
 * sees an English stack trace.
 */
export type Language = 'uz-Latn' | 'uz-Cyrl' | 'ru' | 'en';
export const LANGUAGES: readonly Language[] = ['uz-Latn', 'uz-Cyrl', 'ru', 'en'];

interface CatalogueEntry {
  status: number;
  message: Record<Language, string>;
}

const entry = (status: number, en: string, uzLatn: string, uzCyrl: string, ru: string): CatalogueEntry => ({
  status,
  message: { en, 'uz-Latn': uzLatn, 'uz-Cyrl': uzCyrl, ru },
});

export const ERROR_CATALOGUE = {
  VALIDATION_FAILED: entry(
    400,
    'The request is not valid.',
    "So'rov noto'g'ri to'ldirilgan.",
    'Сўров нотўғри тўлдирилган.',
    'Запрос заполнен неверно.',
  ),
  PINFL_INVALID: entry(
    400,
    'The personal number (PINFL) is not valid.',
    "JShShIR noto'g'ri.",
    'ЖШШИР нотўғри.',
    'ПИНФЛ указан неверно.',
  ),
  PINFL_MISMATCH: entry(
    422,
    'The personal number (PINFL) does not agree with the birth date or sex.',
    "JShShIR tug'ilgan sana yoki jinsga mos emas.",
    'ЖШШИР туғилган сана ёки жинсга мос эмас.',
    'ПИНФЛ не соответствует дате рождения или полу.',
  ),
  PINFL_TAKEN: entry(
    409,
    'A person with this personal number is already registered.',
    "Bu JShShIR bilan shaxs allaqachon ro'yxatda bor.",
    'Бу ЖШШИР билан шахс аллақачон рўйхатда бор.',
    'Человек с таким ПИНФЛ уже зарегистрирован.',
  ),
  NOT_FOUND: entry(404, 'Not found.', 'Topilmadi.', 'Топилмади.', 'Не найдено.'),
  PERSON_NOT_FOUND: entry(
    404,
    'Person not found.',
    'Shaxs topilmadi.',
    'Шахс топилмади.',
    'Человек не найден.',
  ),
  HOUSEHOLD_NOT_FOUND: entry(
    404,
    'Household not found.',
    'Oila topilmadi.',
    'Оила топилмади.',
    'Домохозяйство не найдено.',
  ),
  MAHALLA_UNKNOWN: entry(
    422,
    'The mahalla code is not known.',
    "Mahalla kodi noma'lum.",
    'Маҳалла коди номаълум.',
    'Неизвестный код махалли.',
  ),
  TERRITORY_NOT_FOUND: entry(
    404,
    'Territorial unit not found.',
    'Hudud topilmadi.',
    'Ҳудуд топилмади.',
    'Территория не найдена.',
  ),
  PERSON_IN_OTHER_HOUSEHOLD: entry(
    409,
    'The person already lives in another household on that date.',
    "Shaxs shu sanada boshqa oilada ro'yxatda turibdi.",
    'Шахс шу санада бошқа оилада рўйхатда турибди.',
    'На эту дату человек уже состоит в другом домохозяйстве.',
  ),
  PERSON_NOT_MEMBER: entry(
    422,
    'The person is not a member of this household on that date.',
    "Shaxs shu sanada bu oila a'zosi emas.",
    'Шахс шу санада бу оила аъзоси эмас.',
    'На эту дату человек не состоит в этом домохозяйстве.',
  ),
  HEAD_REMOVAL_REQUIRES_NEW_HEAD: entry(
    422,
    'The head of the household cannot leave while others remain: name a new head.',
    "Boshqa a'zolar qolganda oila boshlig'i chiqarilmaydi: yangi boshliqni ko'rsating.",
    'Бошқа аъзолар қолганда оила бошлиғи чиқарилмайди: янги бошлиқни кўрсатинг.',
    'Глава не может выбыть, пока в домохозяйстве остаются другие: укажите нового главу.',
  ),
  HEAD_ALREADY_SET: entry(
    409,
    'The household already has a head; use a change of head instead.',
    "Oilaning boshlig'i bor: boshliqni almashtirish so'rovidan foydalaning.",
    'Оиланинг бошлиғи бор: бошлиқни алмаштириш сўровидан фойдаланинг.',
    'У домохозяйства уже есть глава: используйте смену главы.',
  ),
  HOUSEHOLD_DISSOLVED: entry(
    409,
    'The household no longer exists on that date.',
    'Bu sanada oila mavjud emas.',
    'Бу санада оила мавжуд эмас.',
    'На эту дату домохозяйство не существует.',
  ),
  EFFECTIVE_DATE_BEFORE_HISTORY: entry(
    422,
    'The effective date is earlier than the latest recorded change; changes are applied in date order.',
    "Kuchga kirish sanasi oxirgi o'zgarishdan oldin.",
    'Кучга кириш санаси охирги ўзгаришдан олдин.',
    'Дата вступления в силу раньше последнего зарегистрированного изменения.',
  ),
  PERSON_DECEASED: entry(
    422,
    'The person is recorded as deceased.',
    'Shaxs vafot etgan deb qayd etilgan.',
    'Шахс вафот этган деб қайд этилган.',
    'Человек зарегистрирован как умерший.',
  ),
  CHANGE_REQUEST_CONFLICT: entry(
    409,
    'A different change request was already submitted with this id.',
    "Bu identifikator bilan boshqa so'rov yuborilgan.",
    'Бу идентификатор билан бошқа сўров юборилган.',
    'С этим идентификатором уже отправлен другой запрос.',
  ),
  CHANGE_REQUEST_NOT_PENDING: entry(
    409,
    'The change request has already been decided.',
    "So'rov allaqachon ko'rib chiqilgan.",
    'Сўров аллақачон кўриб чиқилган.',
    'Запрос уже рассмотрен.',
  ),
  CHANGE_REQUEST_NOT_FOUND: entry(
    404,
    'Change request not found.',
    "So'rov topilmadi.",
    'Сўров топилмади.',
    'Запрос не найден.',
  ),
  DUPLICATE_CANDIDATE_NOT_FOUND: entry(
    404,
    'Duplicate candidate not found.',
    'Takroriy yozuv nomzodi topilmadi.',
    'Такрорий ёзув номзоди топилмади.',
    'Кандидат в дубликаты не найден.',
  ),
  DUPLICATE_ALREADY_REVIEWED: entry(
    409,
    'This pair has already been reviewed.',
    "Bu juftlik allaqachon ko'rib chiqilgan.",
    'Бу жуфтлик аллақачон кўриб чиқилган.',
    'Эта пара уже рассмотрена.',
  ),
  JOB_UNKNOWN: entry(404, 'Job not found.', 'Vazifa topilmadi.', 'Вазифа топилмади.', 'Задание не найдено.'),
  DOCUMENT_TOO_LARGE: entry(
    413,
    'The file is larger than 5 MB.',
    'Fayl 5 MB dan katta.',
    'Файл 5 МБ дан катта.',
    'Файл больше 5 МБ.',
  ),
  DOCUMENT_TYPE_NOT_ALLOWED: entry(
    400,
    'Only PDF, JPEG and PNG files can be uploaded, and the file must be what its type says.',
    'Faqat PDF, JPEG va PNG fayllarni yuklash mumkin, fayl o‘z turiga mos bo‘lishi kerak.',
    'Фақат PDF, JPEG ва PNG файлларни юклаш мумкин, файл ўз турига мос бўлиши керак.',
    'Можно загружать только файлы PDF, JPEG и PNG, и файл должен соответствовать своему типу.',
  ),
  DOCUMENT_NOT_FOUND: entry(
    404,
    'Document not found.',
    'Hujjat topilmadi.',
    'Ҳужжат топилмади.',
    'Документ не найден.',
  ),
  DOCUMENT_ID_REUSED: entry(
    409,
    'This document id was already used for another file.',
    'Bu identifikator boshqa fayl uchun ishlatilgan.',
    'Бу идентификатор бошқа файл учун ишлатилган.',
    'Этот идентификатор уже использован для другого файла.',
  ),
  PAYLOAD_TOO_LARGE: entry(
    413,
    'The request is too large.',
    "So'rov juda katta.",
    'Сўров жуда катта.',
    'Запрос слишком большой.',
  ),
  RATE_LIMITED: entry(
    429,
    'Too many requests; try again later.',
    "So'rovlar juda ko'p; keyinroq urinib ko'ring.",
    'Сўровлар жуда кўп; кейинроқ уриниб кўринг.',
    'Слишком много запросов; попробуйте позже.',
  ),
  CONFLICT: entry(
    409,
    'The change conflicts with data recorded at the same time; reload and try again.',
    "O'zgarish bir vaqtda kiritilgan ma'lumotlarga zid; qayta yuklab, yana urinib ko'ring.",
    'Ўзгариш бир вақтда киритилган маълумотларга зид; қайта юклаб, яна уриниб кўринг.',
    'Изменение противоречит данным, записанным одновременно; обновите и повторите.',
  ),
  INTERNAL: entry(
    500,
    'Something went wrong on our side. The error has been logged.',
    'Tizimda xatolik yuz berdi. Xato qayd etildi.',
    'Тизимда хатолик юз берди. Хато қайд этилди.',
    'Произошла ошибка на нашей стороне. Ошибка записана.',
  ),
  PERSON_ALREADY_MEMBER: entry(
    409,
    'The person is already a member of this household on that date.',
    "Shaxs shu sanada bu oila a'zosi.",
    'Шахс шу санада бу оила аъзоси.',
    'На эту дату человек уже состоит в этом домохозяйстве.',
  ),
  HOUSEHOLD_HEAD_REQUIRED: entry(
    422,
    'The household has no members on that date: its first member must be its head.',
    "Bu sanada oilada a'zo yo'q: birinchi a'zo oila boshlig'i bo'lishi kerak.",
    'Бу санада оилада аъзо йўқ: биринчи аъзо оила бошлиғи бўлиши керак.',
    'На эту дату в домохозяйстве нет членов: первым должен быть глава.',
  ),
  MEMBERSHIP_PERIOD_EMPTY: entry(
    422,
    'A membership that starts on this date cannot change on the same date; use a later date.',
    "Shu sanada boshlangan a'zolik shu sanada o'zgartirilmaydi: keyingi sanani ko'rsating.",
    'Шу санада бошланган аъзолик шу санада ўзгартирилмайди: кейинги санани кўрсатинг.',
    'Членство, начавшееся в эту дату, нельзя изменить в ту же дату: укажите более позднюю дату.',
  ),
  HOUSEHOLD_ID_TAKEN: entry(
    409,
    'A household with this id already exists.',
    'Bu identifikatorli oila allaqachon mavjud.',
    'Бу идентификаторли оила аллақачон мавжуд.',
    'Домохозяйство с таким идентификатором уже существует.',
  ),
  PERSON_ID_TAKEN: entry(
    409,
    'A person with this id already exists; refer to the person by personId.',
    'Bu identifikatorli shaxs allaqachon mavjud: unga personId orqali murojaat qiling.',
    'Бу идентификаторли шахс аллақачон мавжуд: унга personId орқали мурожаат қилинг.',
    'Человек с таким идентификатором уже существует: укажите его через personId.',
  ),
  PERSON_MERGED: entry(
    409,
    'This person record was merged into another record; use that record.',
    "Bu shaxs yozuvi boshqa yozuvga birlashtirilgan: o'sha yozuvdan foydalaning.",
    'Бу шахс ёзуви бошқа ёзувга бирлаштирилган: ўша ёзувдан фойдаланинг.',
    'Эта запись о человеке объединена с другой: используйте ту запись.',
  ),
  MONTH_INVALID: entry(
    400,
    'The month must be written as YYYY-MM.',
    "Oy YYYY-MM ko'rinishida yozilishi kerak.",
    'Ой YYYY-MM кўринишида ёзилиши керак.',
    'Месяц должен быть указан в виде ГГГГ-ММ.',
  ),
  EVALUATION_NOT_FOUND: entry(
    404,
    'Evaluation run not found.',
    'Hisoblash topilmadi.',
    'Ҳисоблаш топилмади.',
    'Расчёт не найден.',
  ),
  DECISION_NOT_FOUND: entry(
    404,
    'Decision not found.',
    'Qaror topilmadi.',
    'Қарор топилмади.',
    'Решение не найдено.',
  ),
  SIMULATION_PARAMETER_UNKNOWN: entry(
    422,
    'The simulation names a parameter that does not exist.',
    "Simulyatsiyada mavjud bo'lmagan parametr ko'rsatilgan.",
    'Симуляцияда мавжуд бўлмаган параметр кўрсатилган.',
    'В симуляции указан несуществующий параметр.',
  ),
  SIMULATION_CHANGE_INVALID: entry(
    422,
    'A change of the simulation is not valid for its parameter.',
    "Simulyatsiyadagi o'zgarish parametrga mos emas.",
    'Симуляциядаги ўзгариш параметрга мос эмас.',
    'Изменение в симуляции не подходит для параметра.',
  ),
  OVERRIDE_NOT_FOUND: entry(
    404,
    'Override not found.',
    "Qo'lda o'zgartirish topilmadi.",
    'Қўлда ўзгартириш топилмади.',
    'Ручное изменение не найдено.',
  ),
  OVERRIDE_SAME_APPROVER: entry(
    403,
    'An override must be approved by another officer than the one who proposed it.',
    "Qo'lda o'zgartirishni uni taklif qilgan xodimdan boshqa xodim tasdiqlashi kerak.",
    'Қўлда ўзгартиришни уни таклиф қилган ходимдан бошқа ходим тасдиқлаши керак.',
    'Ручное изменение должен утвердить другой сотрудник, а не тот, кто его предложил.',
  ),
  OVERRIDE_NOT_PENDING: entry(
    409,
    'The override has already been approved or rejected.',
    "Qo'lda o'zgartirish allaqachon tasdiqlangan yoki rad etilgan.",
    'Қўлда ўзгартириш аллақачон тасдиқланган ёки рад этилган.',
    'Ручное изменение уже утверждено или отклонено.',
  ),
  OVERRIDE_ID_REUSED: entry(
    409,
    'This override id was already used for a different request.',
    "Bu identifikator boshqa so'rov uchun ishlatilgan.",
    'Бу идентификатор бошқа сўров учун ишлатилган.',
    'Этот идентификатор уже использован для другого запроса.',
  ),
  OVERRIDE_NO_CHANGE: entry(
    409,
    'The override would not change the entitlement in force.',
    "Qo'lda o'zgartirish amaldagi huquqni o'zgartirmaydi.",
    'Қўлда ўзгартириш амалдаги ҳуқуқни ўзгартирмайди.',
    'Ручное изменение не меняет действующее право на выплату.',
  ),
  OVERRIDE_MONTH_SUPERSEDED: entry(
    409,
    'A later month has already been decided for this household and programme.',
    'Bu oila va dastur uchun keyingi oy allaqachon hal qilingan.',
    'Бу оила ва дастур учун кейинги ой аллақачон ҳал қилинган.',
    'Для этого домохозяйства и программы уже принято решение за более поздний месяц.',
  ),
  OVERRIDE_ACTOR_REQUIRED: entry(
    403,
    'Overrides are proposed and approved by named officers only.',
    "Qo'lda o'zgartirishni faqat nomi ko'rsatilgan xodimlar taklif qiladi va tasdiqlaydi.",
    'Қўлда ўзгартиришни фақат номи кўрсатилган ходимлар таклиф қилади ва тасдиқлайди.',
    'Ручные изменения предлагают и утверждают только сотрудники, указавшие своё имя.',
  ),
  APPEAL_NOT_FOUND: entry(
    404,
    'Appeal not found.',
    'Shikoyat topilmadi.',
    'Шикоят топилмади.',
    'Жалоба не найдена.',
  ),
  APPEAL_TRANSITION_INVALID: entry(
    409,
    'The appeal cannot move to that status from its present one.',
    "Shikoyatni hozirgi holatidan bu holatga o'tkazib bo'lmaydi.",
    'Шикоятни ҳозирги ҳолатидан бу ҳолатга ўтказиб бўлмайди.',
    'Жалобу нельзя перевести в этот статус из текущего.',
  ),
  APPEAL_ID_REUSED: entry(
    409,
    'This appeal id was already used for a different appeal.',
    'Bu identifikator boshqa shikoyat uchun ishlatilgan.',
    'Бу идентификатор бошқа шикоят учун ишлатилган.',
    'Этот идентификатор уже использован для другой жалобы.',
  ),
  APPLICATION_NOT_FOUND: entry(
    404,
    'Application not found.',
    'Ariza topilmadi.',
    'Ариза топилмади.',
    'Заявление не найдено.',
  ),
  APPLICATION_STEP_INVALID: entry(
    409,
    "This step does not follow the application's present step.",
    'Bu qadam arizaning hozirgi qadamidan keyin kelmaydi.',
    'Бу қадам аризанинг ҳозирги қадамидан кейин келмайди.',
    'Этот шаг не следует за текущим шагом заявления.',
  ),
  APPLICATION_ID_REUSED: entry(
    409,
    'This application id was already used for a different application.',
    'Bu identifikator boshqa ariza uchun ishlatilgan.',
    'Бу идентификатор бошқа ариза учун ишлатилган.',
    'Этот идентификатор уже использован для другого заявления.',
  ),
  // Audit trail and consent (src/audit, src/consent).
  FORBIDDEN: entry(
    403,
    'You are not allowed to do this.',
    "Sizda bunga ruxsat yo'q.",
    'Сизда бунга рухсат йўқ.',
    'У вас нет права на это действие.',
  ),
  PURPOSE_REQUIRED: entry(
    403,
    'This record is outside your worklist: state the purpose of opening it.',
    "Bu yozuv ish ro'yxatingizdan tashqarida: uni ochish maqsadini ko'rsating.",
    'Бу ёзув иш рўйхатингиздан ташқарида: уни очиш мақсадини кўрсатинг.',
    'Эта запись вне вашего рабочего списка: укажите цель её открытия.',
  ),
  ACCESS_COMPLAINT_ID_REUSED: entry(
    409,
    'This complaint id was already used for a different complaint.',
    'Bu identifikator boshqa shikoyat uchun ishlatilgan.',
    'Бу идентификатор бошқа шикоят учун ишлатилган.',
    'Этот идентификатор уже использован для другой жалобы.',
  ),
  // Identity (src/identity): sign-in, sessions, second factor, citizen sign-in via OneID.
  UNAUTHENTICATED: entry(
    401,
    'Please sign in first.',
    'Avval tizimga kiring.',
    'Аввал тизимга киринг.',
    'Сначала войдите в систему.',
  ),
  ACTOR_KIND_NOT_ALLOWED: entry(
    403,
    'This action is not available to your kind of account.',
    'Bu amal sizning hisob turingiz uchun mavjud emas.',
    'Бу амал сизнинг ҳисоб турингиз учун мавжуд эмас.',
    'Это действие недоступно для вашего типа учётной записи.',
  ),
  LOGIN_FAILED: entry(
    401,
    'The username or the password is wrong.',
    "Foydalanuvchi nomi yoki parol noto'g'ri.",
    'Фойдаланувчи номи ёки парол нотўғри.',
    'Неверное имя пользователя или пароль.',
  ),
  LOGIN_LOCKED: entry(
    429,
    'Too many failed sign-ins: sign-in is blocked for 15 minutes.',
    "Juda ko'p muvaffaqiyatsiz urinish: kirish 15 daqiqaga to'xtatildi.",
    'Жуда кўп муваффақиятсиз уриниш: кириш 15 дақиқага тўхтатилди.',
    'Слишком много неудачных попыток: вход заблокирован на 15 минут.',
  ),
  TOTP_REQUIRED: entry(
    401,
    'Enter the 6-digit code from your authenticator app.',
    'Autentifikator ilovasidagi 6 xonali kodni kiriting.',
    'Аутентификатор иловасидаги 6 хонали кодни киритинг.',
    'Введите 6-значный код из приложения-аутентификатора.',
  ),
  TOTP_INVALID: entry(
    401,
    'The code is wrong or was already used; wait for the next code.',
    "Kod noto'g'ri yoki allaqachon ishlatilgan; keyingi kodni kuting.",
    'Код нотўғри ёки аллақачон ишлатилган; кейинги кодни кутинг.',
    'Код неверен или уже использован; дождитесь следующего кода.',
  ),
  TOTP_ALREADY_ENABLED: entry(
    409,
    'The second factor is already turned on for this account.',
    'Bu hisob uchun ikkinchi omil allaqachon yoqilgan.',
    'Бу ҳисоб учун иккинчи омил аллақачон ёқилган.',
    'Второй фактор для этой учётной записи уже включён.',
  ),
  TOTP_NOT_ENROLLED: entry(
    409,
    'Start the enrolment of the second factor first.',
    "Avval ikkinchi omilni ro'yxatdan o'tkazishni boshlang.",
    'Аввал иккинчи омилни рўйхатдан ўтказишни бошланг.',
    'Сначала начните подключение второго фактора.',
  ),
  CSRF_INVALID: entry(
    403,
    'The request lacks a valid anti-forgery token; reload the page and try again.',
    "So'rovda haqiqiy himoya tokeni yo'q; sahifani qayta yuklab, yana urinib ko'ring.",
    'Сўровда ҳақиқий ҳимоя токени йўқ; саҳифани қайта юклаб, яна уриниб кўринг.',
    'В запросе нет действительного токена защиты; обновите страницу и повторите.',
  ),
  CITIZEN_NOT_REGISTERED: entry(
    403,
    'Your personal number (PINFL) is not in the Social Registry; ask your mahalla social worker.',
    "JShShIRingiz Ijtimoiy reyestrda yo'q; mahalla ijtimoiy xodimiga murojaat qiling.",
    'ЖШШИРингиз Ижтимоий реестрда йўқ; маҳалла ижтимоий ходимига мурожаат қилинг.',
    'Вашего ПИНФЛ нет в Социальном реестре; обратитесь к социальному работнику махалли.',
  ),
  OIDC_LOGIN_FAILED: entry(
    400,
    'Sign-in through OneID did not complete; please start again.',
    'OneID orqali kirish yakunlanmadi; qaytadan boshlang.',
    'OneID орқали кириш якунланмади; қайтадан бошланг.',
    'Вход через OneID не завершён; начните заново.',
  ),
  OIDC_NOT_CONFIGURED: entry(
    503,
    'Sign-in through OneID is not available at the moment.',
    'OneID orqali kirish hozircha mavjud emas.',
    'OneID орқали кириш ҳозирча мавжуд эмас.',
    'Вход через OneID сейчас недоступен.',
  ),
  // Inter-agency data exchange (src/integration).
  AGENCY_UNKNOWN: entry(
    404,
    'No such agency is connected.',
    'Bunday idora ulanmagan.',
    'Бундай идора уланмаган.',
    'Такое ведомство не подключено.',
  ),
  INTEGRATION_PULL_NOT_CONFIGURED: entry(
    409,
    'Pulling from the agencies is not configured (INTEGRATION_AGENCY_URL).',
    "Idoralardan ma'lumot olish sozlanmagan (INTEGRATION_AGENCY_URL).",
    'Идоралардан маълумот олиш созланмаган (INTEGRATION_AGENCY_URL).',
    'Получение данных от ведомств не настроено (INTEGRATION_AGENCY_URL).',
  ),
  // Notifications and the my.gov.uz intake.
  NOTIFICATION_NOT_FOUND: entry(
    404,
    'Message not found.',
    'Xabar topilmadi.',
    'Хабар топилмади.',
    'Сообщение не найдено.',
  ),
  INTAKE_PINFL_UNKNOWN: entry(
    422,
    'No person with this personal number (PINFL) is in the Social Registry.',
    "Bu JShShIR bilan shaxs Ijtimoiy reyestrda yo'q.",
    'Бу ЖШШИР билан шахс Ижтимоий реестрда йўқ.',
    'Человека с таким ПИНФЛ нет в Социальном реестре.',
  ),
  INTAKE_NO_HOUSEHOLD: entry(
    422,
    'The person belongs to no household in the Social Registry; a social worker must register the family first.',
    "Shaxs Ijtimoiy reyestrda hech bir oilaga a'zo emas; avval ijtimoiy xodim oilani ro'yxatga olishi kerak.",
    'Шахс Ижтимоий реестрда ҳеч бир оилага аъзо эмас; аввал ижтимоий ходим оилани рўйхатга олиши керак.',
    'Человек не состоит ни в одном домохозяйстве реестра; сначала социальный работник должен зарегистрировать семью.',
  ),
  CONSENT_REQUIRED: entry(
    422,
    "The citizen's consent to share their data is required.",
    "Fuqaroning ma'lumotlarini almashishga roziligi talab qilinadi.",
    'Фуқаронинг маълумотларини алмашишга розилиги талаб қилинади.',
    'Требуется согласие гражданина на обмен его данными.',
  ),
  // Administration of staff accounts and machine clients (src/administration).
  ADMIN_ACCOUNT_NOT_FOUND: entry(
    404,
    'Staff account not found.',
    'Xodim hisobi topilmadi.',
    'Ходим ҳисоби топилмади.',
    'Учётная запись сотрудника не найдена.',
  ),
  ADMIN_CLIENT_NOT_FOUND: entry(
    404,
    'Machine client not found.',
    'Tizim mijozi topilmadi.',
    'Тизим мижози топилмади.',
    'Машинный клиент не найден.',
  ),
  ADMIN_REQUEST_NOT_FOUND: entry(
    404,
    'Request for approval not found.',
    "Tasdiqlash so'rovi topilmadi.",
    'Тасдиқлаш сўрови топилмади.',
    'Запрос на утверждение не найден.',
  ),
  ADMIN_ID_REUSED: entry(
    409,
    'This identifier was already used to create something else.',
    'Bu identifikator boshqa narsani yaratish uchun ishlatilgan.',
    'Бу идентификатор бошқа нарсани яратиш учун ишлатилган.',
    'Этот идентификатор уже использован для создания другой записи.',
  ),
  USERNAME_TAKEN: entry(
    409,
    'This username is already taken.',
    'Bu foydalanuvchi nomi band.',
    'Бу фойдаланувчи номи банд.',
    'Это имя пользователя уже занято.',
  ),
  CLIENT_ID_TAKEN: entry(
    409,
    'This client identifier is already taken.',
    'Bu mijoz identifikatori band.',
    'Бу мижоз идентификатори банд.',
    'Этот идентификатор клиента уже занят.',
  ),
  AREA_UNKNOWN: entry(
    422,
    'The area (region, district or mahalla) is not known.',
    "Hudud (viloyat, tuman yoki mahalla) noma'lum.",
    'Ҳудуд (вилоят, туман ёки маҳалла) номаълум.',
    'Неизвестная территория (область, район или махалля).',
  ),
  SCOPE_UNKNOWN: entry(
    422,
    'The permission (scope) is not known.',
    "Ruxsat (scope) noma'lum.",
    'Рухсат (scope) номаълум.',
    'Неизвестное разрешение (scope).',
  ),
  CALLBACK_URI_INVALID: entry(
    422,
    'The callback address is not allowed: it must be an https address (http only outside production) without a user name, password, query or fragment.',
    "Qayta chaqiruv manzili yaroqsiz: u foydalanuvchi nomi, parol, so'rov qismi va fragmentsiz https manzil bo'lishi kerak (http faqat sinov muhitida).",
    'Қайта чақирув манзили яроқсиз: у фойдаланувчи номи, парол, сўров қисми ва фрагментсиз https манзил бўлиши керак (http фақат синов муҳитида).',
    'Недопустимый адрес обратного вызова: нужен адрес https (http только вне рабочей среды) без имени пользователя, пароля, параметров запроса и фрагмента.',
  ),
  DEFAULT_CALLBACK_NOT_REGISTERED: entry(
    422,
    'The default callback address must be one of the registered callback addresses.',
    "Asosiy qayta chaqiruv manzili ro'yxatga olingan manzillardan biri bo'lishi kerak.",
    'Асосий қайта чақирув манзили рўйхатга олинган манзиллардан бири бўлиши керак.',
    'Адрес обратного вызова по умолчанию должен быть одним из зарегистрированных адресов.',
  ),
  SIGNING_KEY_PRIVATE: entry(
    422,
    'This key contains its private part. Register only the public key, and make a new key pair: the private key must be treated as leaked.',
    "Bu kalitda uning maxfiy qismi bor. Faqat ochiq kalitni ro'yxatga oling va yangi kalit juftini yarating: maxfiy kalit oshkor bo'lgan deb hisoblanadi.",
    'Бу калитда унинг махфий қисми бор. Фақат очиқ калитни рўйхатга олинг ва янги калит жуфтини яратинг: махфий калит ошкор бўлган деб ҳисобланади.',
    'Ключ содержит закрытую часть. Зарегистрируйте только открытый ключ и создайте новую пару ключей: закрытый ключ следует считать скомпрометированным.',
  ),
  SIGNING_KEY_INVALID: entry(
    422,
    'The signing key is not a public Ed25519 key (JWK).',
    'Imzo kaliti ochiq Ed25519 kaliti (JWK) emas.',
    'Имзо калити очиқ Ed25519 калити (JWK) эмас.',
    'Ключ подписи не является открытым ключом Ed25519 (JWK).',
  ),
  ADMIN_OWN_ACCOUNT: entry(
    403,
    'Administrators cannot change their own account or approve changes to it.',
    "Administrator o'z hisobini o'zgartira olmaydi va unga oid o'zgarishlarni tasdiqlay olmaydi.",
    'Администратор ўз ҳисобини ўзгартира олмайди ва унга оид ўзгаришларни тасдиқлай олмайди.',
    'Администратор не может изменять свою учётную запись или утверждать её изменения.',
  ),
  ADMIN_SAME_APPROVER: entry(
    403,
    'A change must be approved by another administrator than the one who proposed it.',
    "O'zgarishni uni taklif qilgan administratordan boshqa administrator tasdiqlashi kerak.",
    'Ўзгаришни уни таклиф қилган администратордан бошқа администратор тасдиқлаши керак.',
    'Изменение должен утвердить другой администратор, а не тот, кто его предложил.',
  ),
  ADMIN_REQUEST_NOT_PENDING: entry(
    409,
    'This request has already been decided.',
    "Bu so'rov bo'yicha qaror allaqachon qabul qilingan.",
    'Бу сўров бўйича қарор аллақачон қабул қилинган.',
    'По этому запросу решение уже принято.',
  ),
  ADMIN_REQUEST_PENDING: entry(
    409,
    'Another change to this account or client is waiting for approval. Approve or reject it first.',
    "Bu hisob yoki mijoz bo'yicha boshqa o'zgarish tasdiqlashni kutmoqda. Avval uni tasdiqlang yoki rad eting.",
    'Бу ҳисоб ёки мижоз бўйича бошқа ўзгариш тасдиқлашни кутмоқда. Аввал уни тасдиқланг ёки рад этинг.',
    'Другое изменение этой учётной записи или клиента ожидает утверждения. Сначала утвердите или отклоните его.',
  ),
  ADMIN_REQUEST_STALE: entry(
    409,
    'The account or client changed after this request was made. Reject it and propose the change again.',
    "So'rov yaratilgandan keyin hisob yoki mijoz o'zgargan. Uni rad eting va o'zgarishni qaytadan taklif qiling.",
    'Сўров яратилгандан кейин ҳисоб ёки мижоз ўзгарган. Уни рад этинг ва ўзгаришни қайтадан таклиф қилинг.',
    'Учётная запись или клиент изменились после создания запроса. Отклоните его и предложите изменение заново.',
  ),
  ADMIN_REASON_REQUIRED: entry(
    422,
    'Give a reason: a second administrator must approve this change.',
    "Sababini yozing: bu o'zgarishni ikkinchi administrator tasdiqlashi kerak.",
    'Сабабини ёзинг: бу ўзгаришни иккинчи администратор тасдиқлаши керак.',
    'Укажите причину: это изменение должен утвердить второй администратор.',
  ),
  // Hardening of issue 10: login CSRF (src/identity), upload quota (src/documents).
  CROSS_SITE_REQUEST: entry(
    403,
    'This form was sent from another website and was refused; open the page on this site and try again.',
    "Bu shakl boshqa saytdan yuborilgani uchun rad etildi; sahifani shu saytda ochib, qayta urinib ko'ring.",
    'Бу шакл бошқа сайтдан юборилгани учун рад этилди; саҳифани шу сайтда очиб, қайта уриниб кўринг.',
    'Форма отправлена с другого сайта и отклонена; откройте страницу на этом сайте и повторите.',
  ),
  DOCUMENT_QUOTA_EXCEEDED: entry(
    409,
    'You have uploaded as many documents as one person may; no more can be added.',
    "Siz bir kishi yuklashi mumkin bo'lgan barcha hujjatlarni yukladingiz; boshqa qo'shib bo'lmaydi.",
    'Сиз бир киши юклаши мумкин бўлган барча ҳужжатларни юкладингиз; бошқа қўшиб бўлмайди.',
    'Вы загрузили столько документов, сколько разрешено одному человеку; больше добавить нельзя.',
  ),
  // --- Hostile input (issue 10): values a schema accepts but the rules cannot answer for ---
  RULES_NOT_IN_FORCE: entry(
    422,
    'No rules are in force for that date: it is before the programme began.',
    "Bu sana uchun amaldagi qoidalar yo'q: dastur undan keyin boshlangan.",
    'Бу сана учун амалдаги қоидалар йўқ: дастур ундан кейин бошланган.',
    'На эту дату правила не действуют: программа начала действовать позже.',
  ),
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export class DomainError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly details?: Record<string, unknown>,
  ) {
    super(ERROR_CATALOGUE[code].message.en);
    this.name = 'DomainError';
    this.status = ERROR_CATALOGUE[code].status;
  }
}

export function messageFor(code: ErrorCode, language: Language): string {
  return ERROR_CATALOGUE[code].message[language];
}

/** Picks the best language from an Accept-Language header; Uzbek Latin is the portal's default. */
export function languageFromHeader(header: string | undefined): Language {
  if (!header) return 'uz-Latn';
  const tags = header
    .split(',')
    .map((part) => part.trim().split(';')[0]?.toLowerCase() ?? '')
    .filter(Boolean);
  for (const tag of tags) {
    if (tag === 'uz-cyrl' || tag.startsWith('uz-cyrl')) return 'uz-Cyrl';
    if (tag.startsWith('uz')) return 'uz-Latn';
    if (tag.startsWith('ru')) return 'ru';
    if (tag.startsWith('en')) return 'en';
  }
  return 'uz-Latn';
}
