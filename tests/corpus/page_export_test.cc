// parse_page_export(): the site's page layout, our own fixture and the shared example.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "corpus/article.h"
#include "test_util.h"

namespace frsearch::corpus {
namespace {

using testing::joined;
using testing::slurp;

/// "line N: reason" of the rejection of @p text, or "accepted".
std::string rejection(std::string_view text) {
  try {
    parse_page_export(text);
    return "accepted";
  } catch (const InvalidRecord& e) {
    return "line " + std::to_string(e.line()) + ": " + e.what();
  }
}

const std::string kFixture = FRS_SOURCE_DIR "/tests/fixtures/corpus/page-export-consultation.txt";

TEST(PageExport, ReadsOurFixture) {
  const Article a = parse_page_export(slurp(kFixture));
  EXPECT_EQ(
      a.title,
      "Consultation citoyenne : l’entrepôt de données de santé d’une région s’ouvre au public");
  EXPECT_EQ(a.date, "2024-03-05");
  EXPECT_EQ(a.day, "2024-03-05");
  EXPECT_EQ(a.sort_key, "20240305000000");
  EXPECT_EQ(joined(a.categories), "Citoyen|Projets");
  // Cut at a word within 80 bytes, not ending on "s" (of "s’ouvre").
  EXPECT_EQ(a.id, "2024-03-05-consultation-citoyenne-l-entrepot-de-donnees-de-sante-d-une-region");
  // Paragraphs trimmed (trailing no-break spaces too), blank and no-break-space
  // lines dropped, the footer of other articles left out.
  EXPECT_EQ(a.body,
            "Illustration consultation\n\n"
            "Pendant six semaines, les habitants sont invités à donner leur avis sur la "
            "gouvernance de l’entrepôt régional de données de santé.\n\n"
            "Un comité d’usagers sera tiré au sort parmi les volontaires ; il rendra un avis "
            "public sur chaque projet de recherche.\n\n"
            "Les réunions se tiendront à Rennes, à Brest et en ligne, avec une traduction en "
            "langue des signes. Œuvrer pour la confiance : c’est l’objectif affiché.");
  EXPECT_TRUE(a.summary.empty());
  EXPECT_TRUE(a.url.empty());
  // The stored record holds what was read.
  EXPECT_EQ(a.record.at("id"), a.id);
  EXPECT_EQ(a.record.at("title"), a.title);
  EXPECT_EQ(a.record.at("date"), "2024-03-05");
  EXPECT_EQ(a.record.at("categories"), nlohmann::json::array({"Citoyen", "Projets"}));
  EXPECT_EQ(a.record.at("body"), a.body);
}

TEST(PageExport, IdIsStableAndFollowsTheTitle) {
  const std::string text = slurp(kFixture);
  EXPECT_EQ(parse_page_export(text).id, parse_page_export(text).id);
  struct Case {
    const char* date_and_title;
    const char* id;
  };
  const Case cases[] = {
      {"01/02/2020\nL’IA à l’hôpital", "2020-02-01-l-ia-a-l-hopital"},
      {"01/02/2020\n« Œuvre » & cœur : 100 % ÉTÉ !", "2020-02-01-oeuvre-coeur-100-ete"},
      {"01/02/2020\nDonnées de santé et recherche", "2020-02-01-donnees-de-sante-et-recherche"},
      // Nothing to spell in ASCII: a hash of the title keeps ids apart.
      {"01/02/2020\n«…»", "2020-02-01-"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.date_and_title);
    const std::string id =
        parse_page_export(std::string(c.date_and_title) + "\nPartager\nCorps.\n").id;
    EXPECT_EQ(id.rfind(c.id, 0), 0u) << id;
    if (std::string_view(c.id).back() == '-') {
      EXPECT_EQ(id.size(), std::string_view(c.id).size() + 8);  // 8 hex digits
    } else {
      EXPECT_EQ(id, c.id);
    }
  }
  EXPECT_NE(parse_page_export("01/02/2020\n«…»\nPartager\n").id,
            parse_page_export("01/02/2020\n«…»»\nPartager\n").id);
}

TEST(PageExport, LongTitlesGiveIdsOfAtMost80Bytes) {
  const std::string title =
      "Intelligence artificielle : le comité éthique publie ses recommandations pour la "
      "réutilisation des données de santé";
  const std::string id = parse_page_export("10/10/2022\n" + title + "\nPartager\n").id;
  EXPECT_LE(id.size(), 80u);
  // "...-publie-ses-recommandations" is 81 bytes: cut, and "ses" dropped.
  EXPECT_EQ(id, "2022-10-10-intelligence-artificielle-le-comite-ethique-publie");
}

TEST(PageExport, ToleratesCrLfAndByteOrderMark) {
  const std::string lf = slurp(kFixture);
  std::string crlf = "\xEF\xBB\xBF";
  for (const char c : lf) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  const Article a = parse_page_export(lf), b = parse_page_export(crlf);
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.title, b.title);
  EXPECT_EQ(a.categories, b.categories);
  EXPECT_EQ(a.body, b.body);
}

TEST(PageExport, BodyEndsAtTheFooterOnly) {
  struct Case {
    const char* after_partager;
    const char* body;
  };
  const Case cases[] = {
      {"", ""},
      {"Un.\n\nDeux.", "Un.\n\nDeux."},
      // A date inside the body is not the footer unless a cut title follows it.
      {"Un.\n12/03/2020\nDeux.", "Un.\n\n12/03/2020\n\nDeux."},
      {"Un.\n12/03/2020\n\nAutre article…\nProjets", "Un."},
      {"Un.\n12/03/2020\nAutre article...\n", "Un."},
      {"Un.\n  12/03/2020 \nAutre…\n11/03/2020\nEncore…\nCitoyen", "Un."},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.after_partager);
    const Article a = parse_page_export(std::string("01/02/2020\nTitre\nÀ la une\nPartager\n") +
                                        c.after_partager);
    EXPECT_EQ(a.body, c.body);
  }
}

TEST(PageExport, LabelsUntilPartager) {
  EXPECT_EQ(joined(parse_page_export("01/02/2020\nTitre\nPartager\nCorps").categories), "");
  EXPECT_EQ(joined(parse_page_export("01/02/2020\nTitre\n\nÀ la une\n\n Citoyen \nÀ la une\n"
                                     "Partager\nCorps")
                       .categories),
            "À la une|Citoyen");
}

TEST(PageExport, RejectsWithReasonAndLine) {
  struct Case {
    std::string text;
    const char* expected;  // "line N: reason"
  };
  const Case cases[] = {
      {"", "line 1: empty page export"},
      {"\n \n\xC2\xA0\n", "line 1: empty page export"},
      {"Titre\n01/02/2020\nPartager\n", "line 1: expected a date line DD/MM/YYYY, found 'Titre'"},
      {"\n2020-02-01\nTitre\nPartager\n",
       "line 2: expected a date line DD/MM/YYYY, found '2020-02-01'"},
      {"30/02/2021\nTitre\nPartager\n", "line 1: invalid date '30/02/2021'"},
      {"29/02/2023\nTitre\nPartager\n", "line 1: invalid date '29/02/2023'"},
      {"01/13/2021\nTitre\nPartager\n", "line 1: invalid date '01/13/2021'"},
      {"01/02/2021\n\n \n", "line 1: missing title after the date line"},
      {"01/02/2021\nTitre\nÀ la une\nCorps sans bouton\n",
       "line 4: missing 'Partager' line after the labels"},
      {"01/02/2021\nTitre\nPartager\nCorps \xFF\n", "line 4: invalid UTF-8 (byte offset 6)"},
      {"01/02/2021\r\nTitre \xC3\r\n", "line 2: invalid UTF-8 (byte offset 6)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(rejection(c.text), c.expected);
  }
}

TEST(PageExportShared, ReadsTheSiteExample) {
  const std::string path = FRS_SOURCE_DIR "/../shared/corpora/hdh/page-export-example.txt";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no shared data at " << path;
  const Article a = parse_page_export(slurp(path));
  EXPECT_EQ(a.title,
            "Le Health Data Hub, deux ans au service de la recherche sur les données de santé");
  EXPECT_EQ(a.date, "2021-12-23");
  EXPECT_EQ(a.id, "2021-12-23-le-health-data-hub-deux-ans-au-service-de-la-recherche");
  EXPECT_EQ(a.categories, std::vector<std::string>{"À la une"});
  EXPECT_NE(a.body.find("PariSanté Campus"), std::string::npos);
  EXPECT_EQ(a.body.rfind("L’inauguration récente de PariSanté Campus"),
            a.body.rfind("\n\n") + 2);  // the last paragraph
  EXPECT_EQ(a.body.find("Un débat en ligne pour sonder"), std::string::npos);
  EXPECT_EQ(a.body.find("Retour sur la 3e édition"), std::string::npos);
  EXPECT_EQ(a.body.find("\xC2\xA0\n"), std::string::npos);  // no trailing no-break space
}

}  // namespace
}  // namespace frsearch::corpus
