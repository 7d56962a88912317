/**
 * Territory reference data. Codes are the SOATO-style keys; names never serve as keys.
 * Khorezm district populations: statistics agency, 1 April 2024 (thousands). Region populations are
 * rounded estimates for 2024-25 used only to size synthetic national runs.
 */
export interface RegionData {
  code: string;
  uzLatn: string;
  uzCyrl: string;
  ru: string;
  en: string;
  populationThousands: number;
}

export interface DistrictData {
  code: string;
  kind: 'district' | 'city';
  uzLatn: string;
  uzCyrl: string;
  ru: string;
  en: string;
  populationThousands: number;
  /** Far from the regional centre; the published study found the smallest gains there. */
  remote: boolean;
}

export const KHOREZM_CODE = '1733';

export const REGIONS: readonly RegionData[] = [
  { code: '1703', uzLatn: 'Andijon viloyati', uzCyrl: 'Андижон вилояти', ru: 'Андижанская область', en: 'Andijan Region', populationThousands: 3322 },
  { code: '1706', uzLatn: 'Buxoro viloyati', uzCyrl: 'Бухоро вилояти', ru: 'Бухарская область', en: 'Bukhara Region', populationThousands: 2011 },
  { code: '1708', uzLatn: 'Jizzax viloyati', uzCyrl: 'Жиззах вилояти', ru: 'Джизакская область', en: 'Jizzakh Region', populationThousands: 1469 },
  { code: '1710', uzLatn: 'Qashqadaryo viloyati', uzCyrl: 'Қашқадарё вилояти', ru: 'Кашкадарьинская область', en: 'Kashkadarya Region', populationThousands: 3570 },
  { code: '1712', uzLatn: 'Navoiy viloyati', uzCyrl: 'Навоий вилояти', ru: 'Навоийская область', en: 'Navoi Region', populationThousands: 1065 },
  { code: '1714', uzLatn: 'Namangan viloyati', uzCyrl: 'Наманган вилояти', ru: 'Наманганская область', en: 'Namangan Region', populationThousands: 3002 },
  { code: '1718', uzLatn: 'Samarqand viloyati', uzCyrl: 'Самарқанд вилояти', ru: 'Самаркандская область', en: 'Samarkand Region', populationThousands: 4200 },
  { code: '1722', uzLatn: 'Surxondaryo viloyati', uzCyrl: 'Сурхондарё вилояти', ru: 'Сурхандарьинская область', en: 'Surkhandarya Region', populationThousands: 2900 },
  { code: '1724', uzLatn: 'Sirdaryo viloyati', uzCyrl: 'Сирдарё вилояти', ru: 'Сырдарьинская область', en: 'Syrdarya Region', populationThousands: 900 },
  { code: '1726', uzLatn: 'Toshkent shahri', uzCyrl: 'Тошкент шаҳри', ru: 'город Ташкент', en: 'Tashkent City', populationThousands: 3040 },
  { code: '1727', uzLatn: 'Toshkent viloyati', uzCyrl: 'Тошкент вилояти', ru: 'Ташкентская область', en: 'Tashkent Region', populationThousands: 3000 },
  { code: '1730', uzLatn: "Farg'ona viloyati", uzCyrl: 'Фарғона вилояти', ru: 'Ферганская область', en: 'Fergana Region', populationThousands: 3900 },
  { code: '1733', uzLatn: 'Xorazm viloyati', uzCyrl: 'Хоразм вилояти', ru: 'Хорезмская область', en: 'Khorezm Region', populationThousands: 2004 },
  { code: '1735', uzLatn: "Qoraqalpog'iston Respublikasi", uzCyrl: 'Қорақалпоғистон Республикаси', ru: 'Республика Каракалпакстан', en: 'Republic of Karakalpakstan', populationThousands: 2000 },
];

export const KHOREZM_DISTRICTS: readonly DistrictData[] = [
  { code: '1733204', kind: 'district', uzLatn: "Bog'ot tumani", uzCyrl: 'Боғот тумани', ru: 'Боготский район', en: 'Bogot District', populationThousands: 176.7, remote: false },
  { code: '1733208', kind: 'district', uzLatn: 'Gurlan tumani', uzCyrl: 'Гурлан тумани', ru: 'Гурланский район', en: 'Gurlan District', populationThousands: 157.8, remote: false },
  { code: '1733212', kind: 'district', uzLatn: "Qo'shko'pir tumani", uzCyrl: 'Қўшкўпир тумани', ru: 'Кошкопирский район', en: 'Koshkupir District', populationThousands: 182.7, remote: true },
  { code: '1733217', kind: 'district', uzLatn: 'Urganch tumani', uzCyrl: 'Урганч тумани', ru: 'Ургенчский район', en: 'Urgench District', populationThousands: 214.8, remote: false },
  { code: '1733220', kind: 'district', uzLatn: 'Hazorasp tumani', uzCyrl: 'Ҳазорасп тумани', ru: 'Хазараспский район', en: 'Khazarasp District', populationThousands: 206.8, remote: false },
  { code: '1733221', kind: 'district', uzLatn: "Tuproqqal'a tumani", uzCyrl: 'Тупроққалъа тумани', ru: 'Тупроккалинский район', en: 'Tuprakkala District', populationThousands: 59.7, remote: true },
  { code: '1733223', kind: 'district', uzLatn: 'Xonqa tumani', uzCyrl: 'Хонқа тумани', ru: 'Ханкинский район', en: 'Khanka District', populationThousands: 199.1, remote: false },
  { code: '1733226', kind: 'district', uzLatn: 'Xiva tumani', uzCyrl: 'Хива тумани', ru: 'Хивинский район', en: 'Khiva District', populationThousands: 155.4, remote: false },
  { code: '1733230', kind: 'district', uzLatn: 'Shovot tumani', uzCyrl: 'Шовот тумани', ru: 'Шаватский район', en: 'Shavat District', populationThousands: 181.0, remote: false },
  { code: '1733233', kind: 'district', uzLatn: 'Yangiariq tumani', uzCyrl: 'Янгиариқ тумани', ru: 'Янгиарыкский район', en: 'Yangiarik District', populationThousands: 123.5, remote: true },
  { code: '1733236', kind: 'district', uzLatn: 'Yangibozor tumani', uzCyrl: 'Янгибозор тумани', ru: 'Янгибазарский район', en: 'Yangibazar District', populationThousands: 92.8, remote: false },
  { code: '1733401', kind: 'city', uzLatn: 'Urganch shahri', uzCyrl: 'Урганч шаҳри', ru: 'город Ургенч', en: 'Urgench City', populationThousands: 153.8, remote: false },
  { code: '1733406', kind: 'city', uzLatn: 'Xiva shahri', uzCyrl: 'Хива шаҳри', ru: 'город Хива', en: 'Khiva City', populationThousands: 99.0, remote: false },
];

/** Common mahalla names (Uzbek Latin); generated mahallas take these in a seeded order. */
export const MAHALLA_NAME_STEMS: readonly string[] = [
  'Navbahor', 'Guliston', "Do'stlik", 'Mustaqillik', 'Istiqlol', 'Obod', 'Tinchlik', "Bog'ishamol", 'Yangi hayot',
  'Birlik', 'Nurafshon', 'Olmazor', 'Bunyodkor', "Ma'rifat", "Navro'z", 'Sharq', 'Bahor', 'Gulshan', 'Oydin',
  "Bo'ston", 'Chinor', 'Zarafshon', 'Yoshlik', 'Qahramon', 'Ittifoq', "Ulug'bek", 'Al-Xorazmiy', 'Ogahiy',
  'Pahlavon Mahmud', 'Beruniy', 'Manguberdi', 'Dehqonobod', 'Paxtakor', "Ko'hna qal'a", 'Xonobod', 'Qipchoq',
  'Sayot', "Shirinqo'l", 'Amudaryo', 'Gulobod', 'Yangiobod', 'Bog\'bon', 'Kamolot', 'Farovon', 'Hamkor', 'Nihol',
  'Saodat', 'Umid', 'Hosildor', "Qo'rg'on", 'Chorbog\'', 'Ipakyo\'li', 'Soxil', 'Qumyoqa', 'Madaniyat', 'Taraqqiyot',
  'Vatan', 'Gulzor', 'Mehnatobod', 'Xalqobod', 'Nurli yo\'l', 'Yulduz', 'Oltin vodiy', "To'qimachi", 'Bekobod',
];

/** About one mahalla per 2,000-3,000 people (DOMAIN: numbers per district are not published). */
export const PEOPLE_PER_MAHALLA = 2500;
